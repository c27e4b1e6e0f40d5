/* Small I/O helpers shared by the subcommands. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

int read_all(int fd, void *buf, size_t len) {
  char *p = buf;
  while (len > 0) {
    ssize_t r = read(fd, p, len);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return fail("read");
    if (r == 0) return failx("read: unexpected end of input");
    p += r;
    len -= (size_t)r;
  }
  return 0;
}

int write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t w = write(fd, p, len);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return -1; /* callers decide whether a closed peer is worth a message */
    p += w;
    len -= (size_t)w;
  }
  return 0;
}

int write_file(const char *path, const char *data) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return fail("open %s", path);
  if (write_all(fd, data, strlen(data)) < 0) {
    fail("write %s", path);
    close(fd);
    return -1;
  }
  if (close(fd) < 0) return fail("close %s", path);
  return 0;
}

int write_file_atomic(const char *path, const char *data, size_t len) {
  char tmp[4096];
  if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) return failx("path too long: %s", path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fail("open %s", tmp);
  if (write_all(fd, data, len) < 0) {
    fail("write %s", tmp);
    close(fd);
    unlink(tmp);
    return -1;
  }
  close(fd);
  if (rename(tmp, path) < 0) {
    fail("rename %s", tmp);
    unlink(tmp);
    return -1;
  }
  return 0;
}

int proc_start_time(pid_t pid, unsigned long long *out) {
  char path[64], buf[1024];
  snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail("open %s", path);
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n <= 0) return fail("read %s", path);
  buf[n] = 0;
  /* comm may hold spaces and parentheses: fields restart after the last ')' */
  char *p = strrchr(buf, ')');
  if (!p) return failx("%s: malformed", path);
  p++;
  for (int field = 3; field < 22; field++) {
    p = strchr(p + 1, ' ');
    if (!p) return failx("%s: malformed", path);
  }
  *out = strtoull(p + 1, NULL, 10);
  return 0;
}

/* length of the valid UTF-8 sequence at s (1..4), or 0 when invalid */
static size_t utf8_len(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  size_t len;
  unsigned int min, cp;
  if (c < 0x80) return 1;
  if ((c & 0xe0) == 0xc0) len = 2, min = 0x80, cp = c & 0x1f;
  else if ((c & 0xf0) == 0xe0) len = 3, min = 0x800, cp = c & 0x0f;
  else if ((c & 0xf8) == 0xf0) len = 4, min = 0x10000, cp = c & 0x07;
  else return 0;
  if (n < len) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return len;
}

size_t json_escape(char *out, const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  char *o = out;
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    switch (c) {
    case '"': *o++ = '\\', *o++ = '"'; i++; continue;
    case '\\': *o++ = '\\', *o++ = '\\'; i++; continue;
    case '\n': *o++ = '\\', *o++ = 'n'; i++; continue;
    case '\r': *o++ = '\\', *o++ = 'r'; i++; continue;
    case '\t': *o++ = '\\', *o++ = 't'; i++; continue;
    case '\b': *o++ = '\\', *o++ = 'b'; i++; continue;
    case '\f': *o++ = '\\', *o++ = 'f'; i++; continue;
    default: break;
    }
    if (c < 0x20) {
      o += sprintf(o, "\\u%04x", c);
      i++;
      continue;
    }
    size_t len = utf8_len(s + i, n - i);
    if (len == 0) {
      memcpy(o, "\xef\xbf\xbd", 3); /* U+FFFD */
      o += 3;
      i++;
      continue;
    }
    memcpy(o, s + i, len);
    o += len;
    i += len;
  }
  return (size_t)(o - out);
}

void now_rfc3339(char *buf, size_t size) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, size - n, ".%09ldZ", ts.tv_nsec);
}

void close_fd(int *fd) {
  if (*fd >= 0) {
    int saved = errno;
    close(*fd);
    errno = saved;
  }
  *fd = -1;
}

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* close_range(2) arrived in Linux 5.9 and CLOSE_RANGE_CLOEXEC in 5.11; older kernels take the loop */
static void fds_from(int first, unsigned flags) {
  int saved = errno;
  if (syscall(SYS_close_range, (unsigned)first, ~0U, flags) < 0) {
    long max = sysconf(_SC_OPEN_MAX);
    for (long fd = first; fd < (max > 0 ? max : 65536); fd++) {
      if (flags) fcntl((int)fd, F_SETFD, FD_CLOEXEC);
      else close((int)fd);
    }
  }
  errno = saved;
}

void cloexec_from(int first) { fds_from(first, CLOSE_RANGE_CLOEXEC); }

void close_from(int first) { fds_from(first, 0); }
