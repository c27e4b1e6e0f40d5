/* The monitor's attach clients: frames in, output and exit status out (protocol in attach.h). */
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>
#include "attach.h"
#include "common.h"

int send_frame(int fd, char type, const void *data, size_t len) {
  unsigned char head[5] = {(unsigned char)type, (unsigned char)(len >> 24), (unsigned char)(len >> 16),
                           (unsigned char)(len >> 8), (unsigned char)len};
  struct iovec iov[2] = {{head, 5}, {(void *)data, len}};
  struct msghdr msg = {.msg_iov = iov, .msg_iovlen = len ? 2 : 1};
  size_t total = 5 + len;
  while (total > 0) {
    ssize_t w = sendmsg(fd, &msg, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return -1;
    total -= (size_t)w;
    /* rare: a partial send; finish with plain writes */
    if (total > 0) {
      size_t done = 5 + len - total;
      if (done < 5 && write_all(fd, head + done, 5 - done) < 0) return -1;
      size_t off = done < 5 ? 0 : done - 5;
      return write_all(fd, (const char *)data + off, len - off);
    }
  }
  return 0;
}

static void drop_client(struct client *c) {
  close_fd(&c->fd);
  c->attached = c->waiting = 0;
  c->have = 0;
}

void broadcast(char type, const char *data, size_t len) {
  for (int i = 0; i < MAX_CLIENTS; i++)
    if (clients[i].fd >= 0 && clients[i].attached && send_frame(clients[i].fd, type, data, len) < 0)
      drop_client(&clients[i]);
}

/* 1 when the container's stdin is full: the frame stays queued, shortened by what was written */
static int feed_stdin(struct monitor *m, struct client *c, const char *data, size_t len) {
  if (m->in_fd < 0) return 0;
  ssize_t w = write(m->in_fd, data, len);
  if (w == (ssize_t)len) return 0;
  if (w < 0 && errno != EAGAIN && errno != EINTR) {
    if (m->in_fd != m->out_fd) close_fd(&m->in_fd);
    return 0;
  }
  size_t done = w > 0 ? (size_t)w : 0, rest = len - done;
  memmove(c->buf + 5, c->buf + 5 + done, c->have - 5 - done);
  c->have -= done;
  c->buf[1] = (unsigned char)(rest >> 24), c->buf[2] = (unsigned char)(rest >> 16);
  c->buf[3] = (unsigned char)(rest >> 8), c->buf[4] = (unsigned char)rest;
  m->stdin_waiter = c;
  return 1;
}

/* 1 when the frame could not be handled yet (stdin full) */
static int handle_frame(struct monitor *m, struct client *c, char type, const char *data, size_t len) {
  char err[700];
  switch (type) {
  case 'a':
    c->attached = 1;
    break;
  case 'w':
    c->waiting = 1;
    break;
  case 'i':
    return feed_stdin(m, c, data, len);
  case 'c':
    if (m->in_fd >= 0 && !m->terminal) close_fd(&m->in_fd);
    break;
  case 'r': {
    char text[32];
    snprintf(text, sizeof(text), "%.*s", (int)(len < 31 ? len : 31), data);
    struct winsize ws = {0};
    if (m->terminal && m->out_fd >= 0 && sscanf(text, "%hu %hu", &ws.ws_row, &ws.ws_col) == 2)
      ioctl(m->out_fd, TIOCSWINSZ, &ws);
    if (send_frame(c->fd, 'o', NULL, 0) < 0) drop_client(c);
    break;
  }
  case 's':
    if (start_init(m, err, sizeof(err)) < 0) {
      if (send_frame(c->fd, 'e', err, strlen(err)) < 0) drop_client(c);
    } else if (send_frame(c->fd, 'o', NULL, 0) < 0) {
      drop_client(c);
    }
    break;
  default:
    drop_client(c);
  }
  return 0;
}

void process_frames(struct monitor *m, struct client *c) {
  while (c->fd >= 0 && c->have >= 5) {
    size_t len = (size_t)c->buf[1] << 24 | (size_t)c->buf[2] << 16 | (size_t)c->buf[3] << 8 | c->buf[4];
    if (len > FRAME_MAX) {
      drop_client(c);
      return;
    }
    if (c->have < 5 + len) return;
    if (handle_frame(m, c, (char)c->buf[0], (const char *)c->buf + 5, len)) return;
    if (c->fd < 0) return;
    memmove(c->buf, c->buf + 5 + len, c->have - 5 - len);
    c->have -= 5 + len;
  }
}

void read_client(struct monitor *m, struct client *c) {
  ssize_t n = read(c->fd, c->buf + c->have, sizeof(c->buf) - c->have);
  if (n < 0 && errno == EINTR) return;
  if (n <= 0) {
    if (m->stdin_waiter == c) m->stdin_waiter = NULL;
    drop_client(c);
    return;
  }
  c->have += (size_t)n;
  process_frames(m, c);
}

void accept_client(int listen_fd) {
  int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
  if (fd < 0) return;
  for (int i = 0; i < MAX_CLIENTS; i++) {
    if (clients[i].fd < 0) {
      clients[i].fd = fd;
      return;
    }
  }
  close(fd); /* full: the client sees end of file and retries */
}

int listen_on(const char *path) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof(addr.sun_path)) return failx("socket path too long: %s", path);
  strcpy(addr.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail("socket");
  unlink(path);
  if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 16) < 0) {
    fail("listen on %s", path);
    close(fd);
    return -1;
  }
  return fd;
}
