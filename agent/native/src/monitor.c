/*
 * The monitor. One poll loop over: SIGCHLD (signalfd), the attach socket and
 * its clients (attach.c), and the container's output (stdout/stderr pipes or
 * the pty master). Output goes to the json-file log and to attached clients.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "common.h"
#include "attach.h"
#include "container.h"
#include "jsonlog.h"
#include "monitor.h"
#include "mounts.h"
#include "namespaces.h"
#include "sync.h"

#define DRAIN_MS 2000 /* after the init exits, how long output may keep coming */

struct client clients[MAX_CLIENTS];
static struct linebuf out_line = {.stream = "stdout"}, err_line = {.stream = "stderr"};

static int exit_code(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

static int write_state(struct monitor *m, const char *status) {
  char err[600 * 6 + 1], buf[8192];
  err[json_escape(err, m->error, strlen(m->error))] = 0;
  char code[16] = "null", sig[16] = "null";
  if (m->exited) {
    snprintf(code, sizeof(code), "%d", exit_code(m->status));
    snprintf(sig, sizeof(sig), "%d", WIFSIGNALED(m->status) ? WTERMSIG(m->status) : 0);
  }
  int n = snprintf(buf, sizeof(buf),
                   "{\"status\":\"%s\",\"pid\":%d,\"pidStartTime\":%llu,\"monitorPid\":%d,"
                   "\"monitorStartTime\":%llu,\"exitCode\":%s,\"signal\":%s,\"error\":\"%s\","
                   "\"startedAt\":\"%s\",\"finishedAt\":\"%s\"}\n",
                   status, (int)m->init, m->init_start, (int)getpid(), m->self_start, code, sig, err, m->started_at,
                   m->finished_at);
  return write_file_atomic(m->state_path, buf, (size_t)n);
}

/* reads what a stream has; 0 at end of stream (EIO from a pty master whose slave is gone counts as end) */
static int pump(struct monitor *m, int *fd, struct linebuf *line, char type) {
  char buf[8192];
  ssize_t n = read(*fd, buf, sizeof(buf));
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return 1;
  if (n <= 0) {
    if (m->logging) jsonlog_flush(&m->log, line);
    if (*fd == m->in_fd) m->in_fd = -1;
    close_fd(fd);
    return 0;
  }
  if (m->logging) jsonlog_feed(&m->log, line, buf, (size_t)n);
  broadcast(type, buf, (size_t)n);
  return 1;
}

int start_init(struct monitor *m, char *err, size_t err_size) {
  char buf[1024];
  int fd;
  if (!m->created) {
    snprintf(err, err_size, "container already started");
    return -1;
  }
  if (sync_send(m->sync_fd, 'S', NULL, 0, -1) < 0) {
    snprintf(err, err_size, "container init is gone");
    return -1;
  }
  int n = sync_recv(m->sync_fd, buf, sizeof(buf) - 1, &fd);
  close_fd(&m->sync_fd);
  m->created = 0;
  if (n != 0) {
    buf[n > 0 ? n : 0] = 0;
    snprintf(err, err_size, "%.590s", n > 1 ? buf + 2 : "container init failed");
    return -1;
  }
  now_rfc3339(m->started_at, sizeof(m->started_at));
  write_state(m, "running");
  return 0;
}

static void reap(struct monitor *m) {
  struct signalfd_siginfo si;
  while (read(m->sigfd, &si, sizeof(si)) > 0) {
  }
  int status;
  pid_t pid;
  /* as a subreaper we also collect orphans of the container that outlive their parents */
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    if (pid == m->init && !m->exited) {
      m->exited = 1;
      m->status = status;
      now_rfc3339(m->finished_at, sizeof(m->finished_at));
    }
  }
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void serve(struct monitor *m) {
  long long deadline = 0;
  for (;;) {
    struct pollfd fds[5 + MAX_CLIENTS];
    int n = 0;
    fds[n++] = (struct pollfd){m->sigfd, POLLIN, 0};
    fds[n++] = (struct pollfd){m->listen_fd, POLLIN, 0};
    fds[n++] = (struct pollfd){m->out_fd, POLLIN, 0};
    fds[n++] = (struct pollfd){m->err_fd, POLLIN, 0};
    for (int i = 0; i < MAX_CLIENTS; i++)
      fds[n++] = (struct pollfd){clients[i].fd, m->stdin_waiter == &clients[i] ? 0 : POLLIN, 0};
    if (m->stdin_waiter && (m->in_fd < 0 || m->stdin_waiter->fd < 0)) m->stdin_waiter = NULL;
    fds[n++] = (struct pollfd){m->stdin_waiter ? m->in_fd : -1, POLLOUT, 0};
    if (m->exited) {
      if (!deadline) deadline = now_ms() + DRAIN_MS;
      if ((m->out_fd < 0 && m->err_fd < 0) || now_ms() >= deadline) return;
    }
    int timeout = m->exited ? (int)(deadline - now_ms()) : -1;
    if (poll(fds, (nfds_t)n, timeout < 0 && m->exited ? 0 : timeout) < 0) {
      if (errno == EINTR) continue;
      fail("poll");
      return;
    }
    if (fds[0].revents) reap(m);
    if (fds[2].revents) pump(m, &m->out_fd, &out_line, '1');
    if (fds[3].revents) pump(m, &m->err_fd, &err_line, '2');
    if (fds[1].revents) accept_client(m->listen_fd);
    for (int i = 0; i < MAX_CLIENTS; i++)
      if (fds[4 + i].fd >= 0 && fds[4 + i].revents && clients[i].fd == fds[4 + i].fd && m->stdin_waiter != &clients[i])
        read_client(m, &clients[i]);
    if (fds[4 + MAX_CLIENTS].revents && m->stdin_waiter) {
      struct client *c = m->stdin_waiter;
      m->stdin_waiter = NULL;
      process_frames(m, c);
    }
  }
}

/* the container's end of each stdio pipe is handed to the init; ours stay here */
static int make_stdio(struct monitor *m, struct init_io *io) {
  int out[2], err[2], in[2];
  if (m->terminal) return 0;
  if (pipe2(out, O_CLOEXEC) < 0) return fail("pipe");
  if (pipe2(err, O_CLOEXEC) < 0) return fail("pipe");
  m->out_fd = out[0], io->out = out[1];
  m->err_fd = err[0], io->err = err[1];
  if (plan_has(m->p, OP_STDIN)) {
    if (pipe2(in, O_CLOEXEC) < 0) return fail("pipe");
    io->in = in[0], m->in_fd = in[1];
    if (fcntl(m->in_fd, F_SETFL, O_NONBLOCK) < 0) return fail("nonblocking stdin");
  } else {
    io->in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (io->in < 0) return fail("open /dev/null");
  }
  return 0;
}

/* until the first report the agent reads our stdout/stderr; afterwards nobody does */
static void detach_stdio(void) {
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0) return;
  for (int fd = 0; fd < 3; fd++) dup2(null, fd);
  close(null);
}

static int finish(struct monitor *m, int code) {
  if (m->logging) {
    jsonlog_flush(&m->log, &out_line);
    jsonlog_flush(&m->log, &err_line);
  }
  unmount_overlay(m->p);
  if (!m->finished_at[0]) now_rfc3339(m->finished_at, sizeof(m->finished_at));
  write_state(m, "stopped");
  char text[32];
  int len = snprintf(text, sizeof(text), "%d %d", m->exited ? exit_code(m->status) : code,
                     m->exited && WIFSIGNALED(m->status) ? WTERMSIG(m->status) : 0);
  for (int i = 0; i < MAX_CLIENTS; i++)
    if (clients[i].fd >= 0 && (clients[i].waiting || clients[i].attached)) send_frame(clients[i].fd, 'x', text, (size_t)len);
  const struct op *s = plan_find(m->p, OP_SOCKET);
  if (s) unlink(s->arg[0]);
  return 0;
}

/* a start that failed before the init ran its command: report, record, clean up */
static int fail_start(struct monitor *m, int code, int reported) {
  if (m->init > 0) {
    kill(m->init, SIGKILL);
    int status;
    while (waitpid(m->init, &status, 0) < 0 && errno == EINTR) {
    }
    m->exited = 1;
    m->status = code << 8; /* the code the init chose (125/126/127), not the SIGKILL */
  }
  if (!reported) printf("error %d %s\n", code, m->error);
  fflush(stdout);
  finish(m, code);
  return code;
}

int monitor_main(const struct plan *p) {
  struct monitor mon = {.p = p, .sigfd = -1, .listen_fd = -1, .sync_fd = -1, .out_fd = -1, .err_fd = -1, .in_fd = -1};
  struct monitor *m = &mon;
  struct init_io io = {.sync = -1, .in = -1, .out = -1, .err = -1};
  int pair[2];
  for (int i = 0; i < MAX_CLIENTS; i++) clients[i].fd = -1;
  m->terminal = plan_has(p, OP_TERMINAL);
  const struct op *dir = plan_find(p, OP_TASK_DIR), *sock = plan_find(p, OP_SOCKET), *log = plan_find(p, OP_LOG);
  if (!dir || !sock) {
    printf("error %d plan lacks task-dir or socket\n", EXIT_HELPER_FAILED);
    return EXIT_HELPER_FAILED;
  }
  snprintf(m->state_path, sizeof(m->state_path), "%s/state.json", dir->arg[0]);
  /* orphans of the container are re-parented to us, not to the host's init */
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) fail("subreaper");
  signal(SIGPIPE, SIG_IGN);
  if (proc_start_time(getpid(), &m->self_start) < 0) return fail_start(m, EXIT_HELPER_FAILED, 0);
  if (mount_overlay(p) < 0) {
    snprintf(m->error, sizeof(m->error), "mounting the root filesystem failed");
    return fail_start(m, EXIT_HELPER_FAILED, 0);
  }
  if (log) {
    long long max_size, max_file;
    if (parse_ll(log->arg[1], &max_size) < 0 || parse_ll(log->arg[2], &max_file) < 0 ||
        jsonlog_open(&m->log, log->arg[0], max_size, (int)max_file) < 0)
      return fail_start(m, EXIT_HELPER_FAILED, 0);
    m->logging = 1;
  }
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  unsigned long flags;
  if ((m->listen_fd = listen_on(sock->arg[0])) < 0 || make_stdio(m, &io) < 0 ||
      socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0 || sigprocmask(SIG_BLOCK, &chld, NULL) < 0 ||
      (m->sigfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK)) < 0 || prepare_monitor_namespaces(p) < 0 ||
      new_namespace_flags(p, &flags) < 0) {
    snprintf(m->error, sizeof(m->error), "preparing the container failed");
    return fail_start(m, EXIT_HELPER_FAILED, 0);
  }
  m->sync_fd = pair[0], io.sync = pair[1];
  /* fork-like clone (no new stack): the child runs on a copy of ours */
  pid_t pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
  if (pid < 0) {
    fail("clone");
    snprintf(m->error, sizeof(m->error), "clone: %s", strerror(errno));
    return fail_start(m, EXIT_HELPER_FAILED, 0);
  }
  if (pid == 0) {
    close(m->sync_fd);
    container_init(p, &io);
  }
  m->init = pid;
  close_fd(&io.sync);
  close_fd(&io.in);
  close_fd(&io.out);
  close_fd(&io.err);
  if (join_cgroups(p, pid) < 0 || write_id_maps(p, pid) < 0 || sync_send(m->sync_fd, 'G', NULL, 0, -1) < 0) {
    snprintf(m->error, sizeof(m->error), "joining the cgroup or writing id maps failed");
    return fail_start(m, EXIT_HELPER_FAILED, 0);
  }
  /* the handshake: a pty master maybe, then created, failed, or exec'd (end of file) */
  for (;;) {
    char buf[1024];
    int fd;
    int n = sync_recv(m->sync_fd, buf, sizeof(buf) - 1, &fd);
    if (n > 0 && buf[0] == 'T' && fd >= 0) {
      if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0) fail("nonblocking pty");
      m->out_fd = fd;
      m->in_fd = fd;
      continue;
    }
    if (n > 0 && buf[0] == 'C') {
      m->created = 1;
      break;
    }
    if (n > 1 && buf[0] == 'E') {
      buf[n] = 0;
      snprintf(m->error, sizeof(m->error), "%.590s", buf + 2);
      if (!m->error[0]) snprintf(m->error, sizeof(m->error), "container init failed");
      return fail_start(m, (unsigned char)buf[1], 0);
    }
    if (n == 0) break;
    snprintf(m->error, sizeof(m->error), "container init sent nonsense");
    return fail_start(m, EXIT_HELPER_FAILED, 0);
  }
  if (!m->created) {
    close_fd(&m->sync_fd);
    now_rfc3339(m->started_at, sizeof(m->started_at));
  }
  if (proc_start_time(pid, &m->init_start) < 0) m->init_start = 0; /* already gone: the exit is recorded below */
  const char *status = m->created ? "created" : "running";
  write_state(m, status);
  printf("%s %d %llu %d\n", status, (int)pid, m->init_start, (int)getpid());
  fflush(stdout);
  detach_stdio();
  serve(m);
  return finish(m, 0);
}
