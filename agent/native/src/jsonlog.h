/* Docker's json-file log format, as pinned in agent/src/engine/logs/format.ts. */
#ifndef BERTH_JSONLOG_H
#define BERTH_JSONLOG_H
#include <stddef.h>

#define LOG_LINE_MAX 16384 /* a longer line is split into several records, as Docker does */

struct jsonlog {
  int fd;
  const char *path;
  long long max_size; /* 0: never rotate */
  int max_file;
  long long size;
};

/* per stream: bytes of a line not yet ended by '\n' */
struct linebuf {
  const char *stream; /* "stdout" or "stderr" */
  size_t len;
  char buf[LOG_LINE_MAX];
};

int jsonlog_open(struct jsonlog *l, const char *path, long long max_size, int max_file);
/* feeds bytes read from a stream; writes one record per complete line */
void jsonlog_feed(struct jsonlog *l, struct linebuf *b, const char *data, size_t n);
/* writes what is left of an unfinished line (at end of stream) */
void jsonlog_flush(struct jsonlog *l, struct linebuf *b);
#endif
