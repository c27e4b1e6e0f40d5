/* Plan parsing: split the NUL-separated strings into ops of fixed arity. */
#include <stdlib.h>
#include <unistd.h>
#include "common.h"
#include "plan.h"

static const struct {
  const char *name;
  int arity;
} op_table[OP_COUNT] = {
    [OP_VERSION] = {"version", 1},     [OP_ID] = {"id", 1},
    [OP_TASK_DIR] = {"task-dir", 1},   [OP_SOCKET] = {"socket", 1},
    [OP_LOG] = {"log", 3},             [OP_OVERLAY] = {"overlay", 3},
    [OP_CGROUP_PROCS] = {"cgroup-procs", 1},
    [OP_NAMESPACE] = {"namespace", 2}, [OP_UID_MAP] = {"uid-map", 3},
    [OP_GID_MAP] = {"gid-map", 3},     [OP_ROOTFS] = {"rootfs", 2},
    [OP_MOUNT] = {"mount", 5},         [OP_MKNOD] = {"mknod", 7},
    [OP_SYMLINK] = {"symlink", 2},     [OP_MASK] = {"mask", 1},
    [OP_READONLY] = {"readonly", 1},   [OP_SYSCTL] = {"sysctl", 2},
    [OP_HOSTNAME] = {"hostname", 1},   [OP_RLIMIT] = {"rlimit", 3},
    [OP_USER] = {"user", 2},           [OP_GROUP] = {"group", 1},
    [OP_CAPS] = {"caps", 5},           [OP_NO_NEW_PRIVS] = {"no-new-privs", 0},
    [OP_SECCOMP] = {"seccomp", 1},     [OP_CWD] = {"cwd", 1},
    [OP_ENV] = {"env", 1},             [OP_ARG] = {"arg", 1},
    [OP_TERMINAL] = {"terminal", 0},   [OP_WINSIZE] = {"winsize", 2},
    [OP_STDIN] = {"stdin", 0},         [OP_START_NOW] = {"start-now", 0},
    [OP_TARGET_PID] = {"target-pid", 1}, [OP_TIME_OFFSET] = {"time-offset", 3},
    [OP_OVERLAY_IDMAP] = {"overlay-idmap", 0}, [OP_EXEC_STATE] = {"exec-state", 1},
};

#define PLAN_MAX (16 * 1024 * 1024)

int plan_read(int fd, struct plan *p) {
  char head[24];
  size_t n = 0;
  /* byte by byte up to the newline so nothing after the plan is consumed */
  for (;;) {
    if (n == sizeof(head) - 1) return failx("plan: header too long");
    ssize_t r = read(fd, head + n, 1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return fail("plan: read");
    if (r == 0) return failx("plan: no header");
    if (head[n] == '\n') break;
    n++;
  }
  head[n] = 0;
  long long len;
  if (parse_ll(head, &len) < 0 || len < 0 || len > PLAN_MAX) return failx("plan: bad length %s", head);
  char *buf = malloc((size_t)len + 1);
  if (!buf) return fail("plan: malloc");
  if (read_all(fd, buf, (size_t)len) < 0) {
    free(buf);
    return -1;
  }
  buf[len] = 0;
  return plan_parse(buf, (size_t)len, p);
}

static int push_str(char ***list, size_t *n, const char *s) {
  char **next = realloc(*list, (*n + 2) * sizeof(char *));
  if (!next) return fail("plan: realloc");
  next[(*n)++] = (char *)s;
  next[*n] = NULL;
  *list = next;
  return 0;
}

/* takes ownership of buf */
int plan_parse(char *buf, size_t len, struct plan *p) {
  memset(p, 0, sizeof(*p));
  p->buf = buf;
  size_t n_strings = 0;
  for (size_t i = 0; i < len; i++)
    if (buf[i] == 0) n_strings++;
  if (len > 0 && buf[len - 1] != 0) return failx("plan: last string not NUL-terminated");
  p->ops = calloc(n_strings + 1, sizeof(struct op));
  size_t n_argv = 0, n_envp = 0;
  if (!p->ops || push_str(&p->argv, &n_argv, NULL) < 0 || push_str(&p->envp, &n_envp, NULL) < 0) {
    plan_free(p);
    return fail("plan: alloc");
  }
  n_argv = n_envp = 0;
  size_t pos = 0;
  while (pos < len) {
    const char *name = buf + pos;
    pos += strlen(name) + 1;
    int code = -1;
    for (int c = 0; c < OP_COUNT; c++)
      if (op_table[c].name && strcmp(op_table[c].name, name) == 0) code = c;
    if (code < 0) {
      failx("plan: unknown op %s", name);
      plan_free(p);
      return -1;
    }
    struct op *op = &p->ops[p->n_ops++];
    op->code = (enum op_code)code;
    for (int a = 0; a < op_table[code].arity; a++) {
      if (pos >= len) {
        failx("plan: op %s lacks arguments", name);
        plan_free(p);
        return -1;
      }
      op->arg[a] = buf + pos;
      pos += strlen(buf + pos) + 1;
    }
    int rc = 0;
    if (op->code == OP_ARG) rc = push_str(&p->argv, &n_argv, op->arg[0]);
    if (op->code == OP_ENV) rc = push_str(&p->envp, &n_envp, op->arg[0]);
    if (rc < 0) {
      plan_free(p);
      return -1;
    }
  }
  const struct op *v = plan_find(p, OP_VERSION);
  if (!v || strcmp(v->arg[0], "1") != 0) {
    plan_free(p);
    return failx("plan: missing or unsupported version");
  }
  return 0;
}

void plan_free(struct plan *p) {
  free(p->ops);
  free(p->argv);
  free(p->envp);
  free(p->buf);
  memset(p, 0, sizeof(*p));
}

const struct op *plan_find(const struct plan *p, enum op_code code) {
  for (size_t i = 0; i < p->n_ops; i++)
    if (p->ops[i].code == code) return &p->ops[i];
  return NULL;
}

int plan_has(const struct plan *p, enum op_code code) { return plan_find(p, code) != NULL; }

int parse_ll(const char *s, long long *out) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || end == s || *end) return failx("not a number: %s", s);
  *out = v;
  return 0;
}

int parse_u64_hex(const char *s, unsigned long long *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 16);
  if (errno || end == s || *end) return failx("not a hex number: %s", s);
  *out = v;
  return 0;
}
