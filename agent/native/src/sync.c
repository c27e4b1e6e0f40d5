/* Messages of the monitor ⇄ init handshake (see sync.h). */
#include <sys/socket.h>
#include "common.h"
#include "sync.h"

int sync_send(int sock, char type, const char *payload, size_t len, int fd_to_pass) {
  char buf[1024];
  if (len > sizeof(buf) - 1) len = sizeof(buf) - 1;
  buf[0] = type;
  if (len) memcpy(buf + 1, payload, len);
  struct iovec iov = {buf, len + 1};
  union {
    struct cmsghdr h;
    char space[CMSG_SPACE(sizeof(int))];
  } ctl;
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
  if (fd_to_pass >= 0) {
    memset(&ctl, 0, sizeof(ctl));
    msg.msg_control = ctl.space;
    msg.msg_controllen = sizeof(ctl.space);
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd_to_pass, sizeof(int));
  }
  while (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0) {
    if (errno != EINTR) return fail("sync: send '%c'", type);
  }
  return 0;
}

int sync_recv(int sock, char *buf, size_t size, int *fd) {
  union {
    struct cmsghdr h;
    char space[CMSG_SPACE(sizeof(int))];
  } ctl;
  struct iovec iov = {buf, size};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.space, .msg_controllen = sizeof(ctl.space)};
  *fd = -1;
  ssize_t n;
  while ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0) {
    if (errno != EINTR) return fail("sync: receive");
  }
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) memcpy(fd, CMSG_DATA(c), sizeof(int));
  return (int)n;
}
