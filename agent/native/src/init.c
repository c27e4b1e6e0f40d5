/*
 * init: a minimal PID 1 for `docker run --init`. The agent bind-mounts this
 * very binary into the container as /sbin/docker-init and runs
 * `/sbin/docker-init -- CMD ARGS...`. It starts CMD, forwards the signals a
 * container receives to it, reaps every orphan (the job a shell or an app
 * as PID 1 forgets), and exits with CMD's status (128+N for signal N).
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

int cmd_init(int argc, char **argv) {
  if (argc > 0 && strcmp(argv[0], "--") == 0) argc--, argv++;
  if (argc == 0) return failx("init: no command given (usage: docker-init -- CMD [ARGS...])");

  sigset_t all, old;
  sigfillset(&all);
  if (sigprocmask(SIG_SETMASK, &all, &old) < 0) return fail("init: sigprocmask");
  pid_t child = fork();
  if (child < 0) return fail("init: fork");
  if (child == 0) {
    if (sigprocmask(SIG_SETMASK, &old, NULL) < 0) _exit(EXIT_HELPER_FAILED);
    /* its own process group, so a terminal's ^C reaches it as it would without init */
    setpgid(0, 0);
    cloexec_from(3);
    execvp(argv[0], argv);
    fprintf(stderr, "docker-init: exec %s: %s\n", argv[0], strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
  }
  for (;;) {
    int sig;
    if (sigwait(&all, &sig) != 0) continue;
    if (sig != SIGCHLD) {
      /* forwarded as is: the container's stop signal, SIGWINCH, SIGUSR1… */
      kill(child, sig);
      continue;
    }
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      if (pid != child) continue; /* an orphan, reaped */
      exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    }
  }
}
