/*
 * The plan: what TypeScript resolved, as a flat list of NUL-terminated
 * strings. Each op is its name followed by a fixed number of arguments (see
 * the table in plan.c and agent/native/README.md). The helper parses nothing
 * else and decides nothing: it runs the ops.
 */
#ifndef BERTH_PLAN_H
#define BERTH_PLAN_H

#include <stddef.h>

enum op_code {
  OP_VERSION,
  OP_ID,
  OP_TASK_DIR,
  OP_SOCKET,
  OP_LOG,
  OP_OVERLAY,
  OP_CGROUP_PROCS,
  OP_NAMESPACE,
  OP_UID_MAP,
  OP_GID_MAP,
  OP_ROOTFS,
  OP_MOUNT,
  OP_MKNOD,
  OP_SYMLINK,
  OP_MASK,
  OP_READONLY,
  OP_SYSCTL,
  OP_HOSTNAME,
  OP_RLIMIT,
  OP_USER,
  OP_GROUP,
  OP_CAPS,
  OP_NO_NEW_PRIVS,
  OP_SECCOMP,
  OP_CWD,
  OP_ENV,
  OP_ARG,
  OP_TERMINAL,
  OP_WINSIZE,
  OP_STDIN,
  OP_START_NOW,
  OP_TARGET_PID,
  OP_TIME_OFFSET,
  OP_OVERLAY_IDMAP,
  OP_EXEC_STATE,
  OP_COUNT
};

#define OP_MAX_ARGS 7

struct op {
  enum op_code code;
  const char *arg[OP_MAX_ARGS];
};

struct plan {
  char *buf; /* owns every string below */
  struct op *ops;
  size_t n_ops;
  char **argv; /* NULL-terminated, from OP_ARG */
  char **envp; /* NULL-terminated, from OP_ENV */
};

/* reads "<decimal length>\n" then that many bytes from fd and parses them */
int plan_read(int fd, struct plan *p);
int plan_parse(char *buf, size_t len, struct plan *p);
void plan_free(struct plan *p);
/* first op with this code, or NULL */
const struct op *plan_find(const struct plan *p, enum op_code code);
int plan_has(const struct plan *p, enum op_code code);

/* strict number parsing for op arguments */
int parse_ll(const char *s, long long *out);
int parse_u64_hex(const char *s, unsigned long long *out);

#endif
