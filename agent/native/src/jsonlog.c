/* Writes container output as json-file records, rotating by size. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"
#include "jsonlog.h"

int jsonlog_open(struct jsonlog *l, const char *path, long long max_size, int max_file) {
  l->path = path;
  l->max_size = max_size;
  l->max_file = max_file < 1 ? 1 : max_file;
  l->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (l->fd < 0) return fail("open %s", path);
  struct stat st;
  if (fstat(l->fd, &st) < 0) return fail("stat %s", path);
  l->size = st.st_size;
  return 0;
}

static void rotate(struct jsonlog *l) {
  if (l->max_file <= 1) {
    if (ftruncate(l->fd, 0) < 0) fail("truncate %s", l->path);
    l->size = 0;
    return;
  }
  char from[4096], to[4096];
  for (int i = l->max_file - 1; i >= 1; i--) {
    if (i == 1) snprintf(from, sizeof(from), "%s", l->path);
    else snprintf(from, sizeof(from), "%s.%d", l->path, i - 1);
    snprintf(to, sizeof(to), "%s.%d", l->path, i);
    if (rename(from, to) < 0 && errno != ENOENT) fail("rotate %s", from);
  }
  int fd = open(l->path, O_WRONLY | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) {
    fail("open %s", l->path); /* keep writing to the renamed file rather than lose output */
    return;
  }
  close(l->fd);
  l->fd = fd;
  l->size = 0;
}

/* escaped text is at most 6 bytes per input byte ("\u001f") */
static char record[LOG_LINE_MAX * 6 + 128];

static void write_record(struct jsonlog *l, const char *stream, const char *data, size_t n) {
  char *o = record;
  o += sprintf(o, "{\"log\":\"");
  o += json_escape(o, data, n);
  o += sprintf(o, "\",\"stream\":\"%s\",\"time\":\"", stream);
  now_rfc3339(o, 40);
  o += strlen(o);
  o += sprintf(o, "\"}\n");
  size_t len = (size_t)(o - record);
  if (l->max_size > 0 && l->size > 0 && l->size + (long long)len > l->max_size) rotate(l);
  /* one write(2) per record: a reader never sees half a record except at the very end */
  if (write_all(l->fd, record, len) < 0) {
    fail("write %s", l->path);
    return;
  }
  l->size += (long long)len;
}

void jsonlog_feed(struct jsonlog *l, struct linebuf *b, const char *data, size_t n) {
  while (n > 0) {
    size_t room = LOG_LINE_MAX - b->len;
    size_t take = n < room ? n : room;
    const char *nl = memchr(data, '\n', take);
    if (nl) take = (size_t)(nl - data) + 1;
    if (b->len == 0 && nl) {
      write_record(l, b->stream, data, take); /* the common case: a whole line in hand, no copy */
    } else {
      memcpy(b->buf + b->len, data, take);
      b->len += take;
      if (nl || b->len == LOG_LINE_MAX) {
        write_record(l, b->stream, b->buf, b->len);
        b->len = 0;
      }
    }
    data += take;
    n -= take;
  }
}

void jsonlog_flush(struct jsonlog *l, struct linebuf *b) {
  if (b->len) write_record(l, b->stream, b->buf, b->len);
  b->len = 0;
}
