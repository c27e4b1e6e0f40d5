/* Process attributes: rlimits, user, groups, capabilities, no_new_privs, seccomp, PATH lookup. */
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "common.h"
#include "process.h"

static rlim_t parse_rlim(const char *s) {
  if (strcmp(s, "inf") == 0) return RLIM_INFINITY;
  return (rlim_t)strtoull(s, NULL, 10);
}

int apply_rlimits(const struct plan *p) {
  for (size_t i = 0; i < p->n_ops; i++) {
    const struct op *o = &p->ops[i];
    if (o->code != OP_RLIMIT) continue;
    long long res;
    if (parse_ll(o->arg[0], &res) < 0) return -1;
    struct rlimit host, want = {parse_rlim(o->arg[1]), parse_rlim(o->arg[2])};
    if (getrlimit((int)res, &host) < 0) return fail("getrlimit %lld", res);
    /* never above the host's hard limit: without CAP_SYS_RESOURCE raising it fails (RLIM_INFINITY is the largest value) */
    if (want.rlim_max > host.rlim_max) want.rlim_max = host.rlim_max;
    if (want.rlim_cur > want.rlim_max) want.rlim_cur = want.rlim_max;
    if (setrlimit((int)res, &want) < 0) return fail("setrlimit %lld", res);
  }
  return 0;
}

static int capset_all(unsigned long long eff, unsigned long long perm, unsigned long long inh) {
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2] = {
      {(__u32)eff, (__u32)perm, (__u32)inh},
      {(__u32)(eff >> 32), (__u32)(perm >> 32), (__u32)(inh >> 32)},
  };
  if (syscall(SYS_capset, &hdr, data) < 0) return fail("capset");
  return 0;
}

int apply_seccomp(const struct plan *p) {
  const struct op *o = plan_find(p, OP_SECCOMP);
  if (!o) return 0;
  size_t hex = strlen(o->arg[0]);
  if (hex % 16 != 0 || hex == 0) return failx("seccomp: program is not whole BPF instructions");
  size_t n = hex / 2;
  unsigned char *bytes = malloc(n);
  if (!bytes) return fail("seccomp: malloc");
  for (size_t i = 0; i < n; i++) {
    unsigned int b;
    if (sscanf(o->arg[0] + 2 * i, "%2x", &b) != 1) {
      free(bytes);
      return failx("seccomp: bad hex");
    }
    bytes[i] = (unsigned char)b;
  }
  /* struct sock_filter is 8 bytes, host byte order, exactly as TypeScript packed it */
  struct sock_fprog prog = {.len = (unsigned short)(n / 8), .filter = (struct sock_filter *)bytes};
  int rc = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
  free(bytes);
  return rc < 0 ? fail("seccomp") : 0;
}

int apply_identity(const struct plan *p, int *seccomp_pending) {
  const struct op *caps = plan_find(p, OP_CAPS);
  unsigned long long bnd = ~0ULL, eff = ~0ULL, perm = ~0ULL, inh = 0, amb = 0;
  if (caps && (parse_u64_hex(caps->arg[0], &bnd) < 0 || parse_u64_hex(caps->arg[1], &eff) < 0 ||
               parse_u64_hex(caps->arg[2], &perm) < 0 || parse_u64_hex(caps->arg[3], &inh) < 0 ||
               parse_u64_hex(caps->arg[4], &amb) < 0))
    return -1;
  if (caps) {
    for (int c = 0; c <= 63; c++) {
      if (bnd & (1ULL << c)) continue;
      if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL) return fail("drop capability %d", c);
    }
  }
  int nnp = plan_has(p, OP_NO_NEW_PRIVS);
  /* without no_new_privs the kernel demands CAP_SYS_ADMIN for a filter: install it while we have it */
  *seccomp_pending = plan_has(p, OP_SECCOMP);
  if (*seccomp_pending && !nnp) {
    if (apply_seccomp(p) < 0) return -1;
    *seccomp_pending = 0;
  }
  const struct op *user = plan_find(p, OP_USER);
  if (user) {
    long long uid, gid;
    if (parse_ll(user->arg[0], &uid) < 0 || parse_ll(user->arg[1], &gid) < 0) return -1;
    gid_t groups[64];
    size_t n = 0;
    for (size_t i = 0; i < p->n_ops; i++) {
      long long g;
      if (p->ops[i].code != OP_GROUP) continue;
      if (n == 64) return failx("too many supplementary groups");
      if (parse_ll(p->ops[i].arg[0], &g) < 0) return -1;
      groups[n++] = (gid_t)g;
    }
    /* keep the permitted set across the uid change; capset below trims it */
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) return fail("keepcaps");
    if (setgroups(n, groups) < 0 && !(errno == EPERM && n == 0)) return fail("setgroups");
    if (setresgid((gid_t)gid, (gid_t)gid, (gid_t)gid) < 0) return fail("setresgid %lld", gid);
    if (setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) < 0) return fail("setresuid %lld", uid);
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) return fail("keepcaps");
  }
  if (caps) {
    if (capset_all(eff, perm, inh) < 0) return -1;
    for (int c = 0; c <= 63; c++) {
      if (!(amb & (1ULL << c))) continue;
      if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0) return fail("ambient capability %d", c);
    }
  }
  if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return fail("no_new_privs");
  return 0;
}

static int executable(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int lookup_command(const struct plan *p, char *out, size_t out_size, char *msg, size_t msg_size) {
  const char *cmd = p->argv[0];
  if (!cmd || !*cmd) {
    snprintf(msg, msg_size, "exec: no command");
    return 127;
  }
  struct stat st;
  if (strchr(cmd, '/')) {
    if (stat(cmd, &st) < 0) {
      snprintf(msg, msg_size, "exec: \"%s\": stat %s: %s", cmd, cmd, strerror(errno));
      return 127;
    }
    if (!executable(cmd)) {
      snprintf(msg, msg_size, "exec: \"%s\": permission denied", cmd);
      return 126;
    }
    snprintf(out, out_size, "%s", cmd);
    return 0;
  }
  const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (char **e = p->envp; *e; e++)
    if (strncmp(*e, "PATH=", 5) == 0) path = *e + 5;
  int denied = 0;
  for (const char *dir = path;;) {
    const char *end = strchrnul(dir, ':');
    int len = (int)(end - dir);
    /* an empty PATH entry means the working directory, as in execvp */
    snprintf(out, out_size, "%.*s%s%s", len, len ? dir : ".", "/", cmd);
    if (executable(out)) return 0;
    if (stat(out, &st) == 0 && !S_ISDIR(st.st_mode)) denied = 1;
    if (!*end) break;
    dir = end + 1;
  }
  if (denied) {
    snprintf(msg, msg_size, "exec: \"%s\": permission denied", cmd);
    return 126;
  }
  snprintf(msg, msg_size, "exec: \"%s\": executable file not found in $PATH", cmd);
  return 127;
}
