/*
 * The container's init between clone() and execve(): a straight list of
 * named steps, each failing with a message the monitor relays to the agent.
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include "common.h"
#include "container.h"
#include "mounts.h"
#include "namespaces.h"
#include "process.h"
#include "sync.h"

__attribute__((noreturn)) static void die(const struct init_io *io, int code, const char *msg) {
  char buf[1024];
  size_t n = msg ? strlen(msg) : 0;
  if (n > sizeof(buf) - 2) n = sizeof(buf) - 2;
  buf[0] = (char)code;
  if (n) memcpy(buf + 1, msg, n);
  sync_send(io->sync, 'E', buf, n + 1, -1);
  _exit(code);
}

int open_pty_peer(int master) {
  if (unlockpt(master) < 0) return fail("unlockpt");
  int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) return fail("open pty peer");
  return slave;
}

int take_tty(int slave) {
  if (ioctl(slave, TIOCSCTTY, 0) < 0) return fail("set controlling terminal");
  for (int fd = 0; fd < 3; fd++)
    if (dup2(slave, fd) < 0) return fail("dup2 pty");
  return 0;
}

void reset_signals(void) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  for (int s = 1; s < NSIG; s++) signal(s, SIG_DFL);
}

static int apply_sysctls_and_hostname(const struct plan *p) {
  for (size_t i = 0; i < p->n_ops; i++) {
    const struct op *o = &p->ops[i];
    if (o->code == OP_SYSCTL) {
      char path[512];
      snprintf(path, sizeof(path), "/proc/sys/%s", o->arg[0]);
      for (char *c = path + 10; *c; c++)
        if (*c == '.') *c = '/';
      if (write_file(path, o->arg[1]) < 0) return -1;
    }
    if (o->code == OP_HOSTNAME && sethostname(o->arg[0], strlen(o->arg[0])) < 0)
      return fail("sethostname %s", o->arg[0]);
  }
  return 0;
}

void container_init(const struct plan *p, const struct init_io *io) {
  char buf[64];
  int fd;
  int terminal = plan_has(p, OP_TERMINAL);
  /* step: wait until the monitor put us in our cgroup and wrote the id maps */
  if (sync_recv(io->sync, buf, sizeof(buf), &fd) != 1 || buf[0] != 'G') die(io, EXIT_HELPER_FAILED, NULL);
  if (join_namespaces(p) < 0 || become_namespace_root(p) < 0 || unshare_cgroup_namespace(p) < 0 ||
      loopback_up(p) < 0)
    die(io, EXIT_HELPER_FAILED, NULL);
  const struct op *root = plan_find(p, OP_ROOTFS);
  if (!root) die(io, EXIT_HELPER_FAILED, "plan has no rootfs");
  /* step: the filesystem */
  if (setup_rootfs(p, root->arg[0]) < 0) die(io, EXIT_HELPER_FAILED, NULL);
  int slave = -1;
  if (terminal) {
    int master = open_container_ptmx(root->arg[0]);
    if (master < 0 || (slave = open_pty_peer(master)) < 0) die(io, EXIT_HELPER_FAILED, NULL);
    const struct op *ws = plan_find(p, OP_WINSIZE);
    if (ws) {
      struct winsize w = {.ws_row = (unsigned short)atoi(ws->arg[0]), .ws_col = (unsigned short)atoi(ws->arg[1])};
      ioctl(master, TIOCSWINSZ, &w);
    }
    if (sync_send(io->sync, 'T', NULL, 0, master) < 0) die(io, EXIT_HELPER_FAILED, NULL);
    close(master);
  }
  if (pivot_into(root->arg[0]) < 0 || finish_rootfs(p) < 0) die(io, EXIT_HELPER_FAILED, NULL);
  /* step: the rest of the environment, then who we are */
  if (apply_sysctls_and_hostname(p) < 0 || apply_rlimits(p) < 0) die(io, EXIT_HELPER_FAILED, NULL);
  if (setsid() < 0) die(io, EXIT_HELPER_FAILED, "setsid failed");
  const struct op *cwd = plan_find(p, OP_CWD);
  int seccomp_pending = 0;
  if (apply_identity(p, &seccomp_pending) < 0) die(io, EXIT_HELPER_FAILED, NULL);
  if (cwd && chdir(cwd->arg[0]) < 0) {
    char msg[512];
    snprintf(msg, sizeof(msg), "chdir to cwd (\"%s\") set in config.json failed: %s", cwd->arg[0], strerror(errno));
    die(io, EXIT_HELPER_FAILED, msg);
  }
  /* step: find the command now, so a missing one fails create as Docker's does */
  char path[4096], msg[600];
  int code = lookup_command(p, path, sizeof(path), msg, sizeof(msg));
  if (code) die(io, code, msg);
  /* step: stdio; from here our stderr is the container's */
  if (terminal ? take_tty(slave) < 0 : dup2(io->in, 0) < 0 || dup2(io->out, 1) < 0 || dup2(io->err, 2) < 0)
    die(io, EXIT_HELPER_FAILED, "setting up stdio failed");
  if (!plan_has(p, OP_START_NOW)) {
    if (sync_send(io->sync, 'C', NULL, 0, -1) < 0) _exit(EXIT_HELPER_FAILED);
    if (sync_recv(io->sync, buf, sizeof(buf), &fd) != 1 || buf[0] != 'S') _exit(EXIT_HELPER_FAILED);
  }
  cloexec_from(3); /* before seccomp: a profile may not allow close_range */
  if (seccomp_pending && apply_seccomp(p) < 0) die(io, EXIT_HELPER_FAILED, NULL);
  reset_signals();
  execve(path, p->argv, p->envp);
  int err = errno;
  snprintf(msg, sizeof(msg), "exec: \"%s\": %s", p->argv[0], strerror(err));
  die(io, err == ENOENT ? 127 : 126, msg);
}
