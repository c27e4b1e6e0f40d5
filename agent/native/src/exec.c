/*
 * `berth-runtime exec`: a new process inside a running container. The plan
 * arrives on fd 3, which stays open both ways as the control channel:
 *   helper → agent: "pid N\n" once started, "error CODE MESSAGE\n" if the
 *     command cannot run, "exit CODE SIGNAL\n" at the end
 *   agent → helper: "r ROWS COLS\n" resizes the pty
 * Without a terminal the process gets our stdin/stdout/stderr as they are
 * (so stdout and stderr stay apart). With one, the pty comes from the
 * container's own devpts instance and this helper relays it to stdin/stdout.
 * Like a container's monitor, the helper outlives the agent (live-restore):
 * it runs in a session of its own, keeps draining the pty once nobody reads
 * it, and records the exit in the exec-state file for the next agent.
 */
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "common.h"
#include "container.h"
#include "mounts.h"
#include "namespaces.h"
#include "plan.h"
#include "process.h"

#define CONTROL_FD 3

static const struct {
  const char *name;
  int flag;
} order[] = {
    /* net before user: a prepared network namespace belongs to the host's user namespace, which we
       could not act in once inside the container's; then user (it owns the rest); cgroup and mount
       after joining the cgroup, in the child */
    {"net", CLONE_NEWNET},   {"user", CLONE_NEWUSER}, {"ipc", CLONE_NEWIPC},
    {"uts", CLONE_NEWUTS},   {"pid", CLONE_NEWPID},   {"time", CLONE_NEWTIME},
    {"cgroup", CLONE_NEWCGROUP}, {"mnt", CLONE_NEWNS},
};
#define N_NS (sizeof(order) / sizeof(order[0]))

/* descriptors of the target's namespaces that differ from ours (-1 where the same) */
static int open_namespaces(int pid, int fds[N_NS]) {
  for (size_t i = 0; i < N_NS; i++) {
    char theirs[64], ours[64];
    struct stat a, b;
    fds[i] = -1;
    snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", pid, order[i].name);
    snprintf(ours, sizeof(ours), "/proc/self/ns/%s", order[i].name);
    if (stat(theirs, &a) < 0) {
      if (errno == ENOENT) continue; /* a kernel without this namespace kind */
      return fail("stat %s", theirs);
    }
    if (stat(ours, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) continue;
    fds[i] = open(theirs, O_RDONLY | O_CLOEXEC);
    if (fds[i] < 0) return fail("open %s", theirs);
  }
  return 0;
}

static int enter(int fds[N_NS], size_t from, size_t to) {
  for (size_t i = from; i < to; i++)
    if (fds[i] >= 0 && setns(fds[i], order[i].flag) < 0) return fail("setns %s", order[i].name);
  return 0;
}

static void control(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void control(const char *fmt, ...) {
  char line[800];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  if (n > 0) write_all(CONTROL_FD, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

static void child(const struct plan *p, int fds[N_NS], int slave) {
  char path[4096], msg[600];
  if (join_cgroups(p, getpid()) < 0 || enter(fds, 6, N_NS) < 0) _exit(EXIT_HELPER_FAILED);
  if (apply_rlimits(p) < 0) _exit(EXIT_HELPER_FAILED);
  if (setsid() < 0 || (slave >= 0 && take_tty(slave) < 0)) _exit(EXIT_HELPER_FAILED);
  int seccomp_pending = 0;
  if (apply_identity(p, &seccomp_pending) < 0) _exit(EXIT_HELPER_FAILED);
  const struct op *cwd = plan_find(p, OP_CWD);
  if (cwd && chdir(cwd->arg[0]) < 0) {
    snprintf(msg, sizeof(msg), "chdir to cwd (\"%s\") failed: %s", cwd->arg[0], strerror(errno));
    control("error %d %s\n", EXIT_HELPER_FAILED, msg);
    _exit(EXIT_HELPER_FAILED);
  }
  int code = lookup_command(p, path, sizeof(path), msg, sizeof(msg));
  if (code) {
    control("error %d %s\n", code, msg);
    _exit(code);
  }
  cloexec_from(3); /* before seccomp: a profile may not allow close_range */
  if (seccomp_pending && apply_seccomp(p) < 0) _exit(EXIT_HELPER_FAILED);
  reset_signals();
  execve(path, p->argv, p->envp);
  int err = errno;
  snprintf(msg, sizeof(msg), "exec: \"%s\": %s", p->argv[0], strerror(err));
  control("error %d %s\n", err == ENOENT ? 127 : 126, msg);
  _exit(err == ENOENT ? 127 : 126);
}

/* {"status":…,"pid":…} in the exec-state file, if the plan names one (temp file + rename) */
static void write_exec_state(const struct plan *p, pid_t pid, const char *status, int code, int sig) {
  const struct op *o = plan_find(p, OP_EXEC_STATE);
  char buf[512], at[40];
  unsigned long long pid_start = 0, self_start = 0;
  if (!o) return;
  now_rfc3339(at, sizeof(at));
  if (proc_start_time(pid, &pid_start) < 0) pid_start = 0; /* gone already: the exit follows */
  if (proc_start_time(getpid(), &self_start) < 0) self_start = 0;
  int n = snprintf(buf, sizeof(buf),
                   "{\"status\":\"%s\",\"pid\":%d,\"pidStartTime\":%llu,\"helperPid\":%d,\"helperStartTime\":%llu,"
                   "\"exitCode\":%d,\"signal\":%d,\"at\":\"%s\"}\n",
                   status, (int)pid, pid_start, (int)getpid(), self_start, code, sig, at);
  write_file_atomic(o->arg[0], buf, (size_t)n);
}

/* returns 0 once the agent's end of the control channel is gone */
static int resize_from(int master, char *buf, size_t *have) {
  ssize_t n = read(CONTROL_FD, buf + *have, 127 - *have);
  if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) return 0;
  if (n < 0) return 1;
  *have += (size_t)n;
  buf[*have] = 0;
  char *nl;
  while ((nl = strchr(buf, '\n'))) {
    struct winsize ws = {0};
    if (master >= 0 && sscanf(buf, "r %hu %hu", &ws.ws_row, &ws.ws_col) == 2) ioctl(master, TIOCSWINSZ, &ws);
    size_t used = (size_t)(nl - buf) + 1;
    memmove(buf, nl + 1, *have - used + 1);
    *have -= used;
  }
  if (*have >= 127) *have = 0;
  return 1;
}

/* relays until the process has exited and its output is drained; returns its wait status.
   Once the agent is gone (control channel closed, stdout broken) the pty is still drained, so the
   process never blocks on a full terminal. */
static int supervise(pid_t pid, int sigfd, int master) {
  int status = 0, exited = 0, in_open = master >= 0, ctl_open = 1, out_open = 1;
  char ctl[128], buf[8192];
  size_t ctl_have = 0;
  for (;;) {
    struct pollfd fds[4] = {{sigfd, POLLIN, 0}, {ctl_open ? CONTROL_FD : -1, POLLIN, 0}, {master, POLLIN, 0}, {in_open ? 0 : -1, POLLIN, 0}};
    if ((exited && master < 0)) return status;
    if (poll(fds, 4, exited ? 200 : -1) == 0 && exited) return status; /* output drained or stuck */
    if (fds[0].revents) {
      struct signalfd_siginfo si;
      while (read(sigfd, &si, sizeof(si)) > 0) {
      }
      if (waitpid(pid, &status, WNOHANG) == pid) exited = 1;
    }
    if (fds[1].revents && !resize_from(master, ctl, &ctl_have)) ctl_open = 0;
    if (master >= 0 && fds[2].revents) {
      ssize_t n = read(master, buf, sizeof(buf));
      if (n <= 0 && errno != EINTR) close_fd(&master); /* EIO: every slave closed */
      else if (n > 0 && out_open && write_all(1, buf, (size_t)n) < 0) out_open = 0;
    }
    if (in_open && fds[3].revents) {
      ssize_t n = read(0, buf, sizeof(buf));
      if (n <= 0) in_open = 0;
      else if (master >= 0) write_all(master, buf, (size_t)n);
    }
  }
}

int cmd_exec(int argc, char **argv) {
  (void)argc, (void)argv;
  struct plan p;
  int fds[N_NS], master = -1, slave = -1, sigfd = -1;
  if (plan_read(CONTROL_FD, &p) < 0) return -1;
  close_from(CONTROL_FD + 1); /* whatever else the agent's process let through is not ours to hold */
  /* a session of our own: signals to the agent's process group are not ours */
  if (setsid() < 0) return fail("setsid");
  if (fcntl(CONTROL_FD, F_SETFD, FD_CLOEXEC) < 0) return fail("cloexec");
  const struct op *target = plan_find(&p, OP_TARGET_PID);
  if (!target) return failx("plan lacks target-pid");
  int pid = atoi(target->arg[0]);
  if (open_namespaces(pid, fds) < 0) return -1;
  if (plan_has(&p, OP_TERMINAL)) {
    char path[64];
    /* the container's devpts instance, so `tty` inside names /dev/pts/N; resolved inside its root
       so a symlink planted in the container cannot point us at the host */
    snprintf(path, sizeof(path), "/proc/%d/root", pid);
    int root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) return fail("open %s", path);
    master = open_in_root(root, "/dev/pts/ptmx", O_RDWR | O_NOCTTY);
    close(root);
    if (master < 0) return fail("open %s/dev/pts/ptmx", path);
    if ((slave = open_pty_peer(master)) < 0) return -1;
    const struct op *ws = plan_find(&p, OP_WINSIZE);
    if (ws) {
      struct winsize w = {.ws_row = (unsigned short)atoi(ws->arg[0]), .ws_col = (unsigned short)atoi(ws->arg[1])};
      ioctl(master, TIOCSWINSZ, &w);
    }
  }
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  signal(SIGPIPE, SIG_IGN);
  if (sigprocmask(SIG_BLOCK, &chld, NULL) < 0 || (sigfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
    return fail("signalfd");
  if (enter(fds, 0, 6) < 0) return -1;
  pid_t child_pid = fork();
  if (child_pid < 0) return fail("fork");
  if (child_pid == 0) child(&p, fds, slave);
  close_fd(&slave);
  for (size_t i = 0; i < N_NS; i++) close_fd(&fds[i]);
  write_exec_state(&p, child_pid, "running", -1, 0);
  control("pid %d\n", (int)child_pid);
  if (master < 0) {
    /* the process holds the agent's pipes itself; ours would keep them open past its end */
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
      dup2(null, 0), dup2(null, 1), dup2(null, 2);
      close(null);
    }
  }
  int status = supervise(child_pid, sigfd, master);
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  write_exec_state(&p, child_pid, "exited", code, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  control("exit %d %d\n", code, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  plan_free(&p);
  exit(code);
}
