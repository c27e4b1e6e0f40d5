/*
 * Namespaces and cgroups. The init starts in its cgroup before it does
 * anything, and unshares its cgroup namespace only then, so the namespace's
 * root is the container's cgroup (hence not a clone flag). CLONE_NEWTIME does
 * not fit clone()'s flags; the monitor unshares it, which applies to the
 * children it creates afterwards.
 */
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "common.h"
#include "namespaces.h"

static const struct {
  const char *name;
  int flag;
} kinds[] = {
    {"pid", CLONE_NEWPID},   {"mount", CLONE_NEWNS},       {"uts", CLONE_NEWUTS},   {"ipc", CLONE_NEWIPC},
    {"network", CLONE_NEWNET}, {"cgroup", CLONE_NEWCGROUP}, {"user", CLONE_NEWUSER}, {"time", CLONE_NEWTIME},
};

static int kind_flag(const char *name) {
  for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
    if (strcmp(kinds[i].name, name) == 0) return kinds[i].flag;
  return failx("unknown namespace %s", name);
}

int new_namespace_flags(const struct plan *p, unsigned long *flags) {
  *flags = 0;
  for (size_t i = 0; i < p->n_ops; i++) {
    const struct op *o = &p->ops[i];
    if (o->code != OP_NAMESPACE || *o->arg[1]) continue;
    int f = kind_flag(o->arg[0]);
    if (f < 0) return -1;
    if (f != CLONE_NEWCGROUP && f != CLONE_NEWTIME) *flags |= (unsigned long)f;
  }
  return 0;
}

static int setns_path(const char *path, int flag) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail("open namespace %s", path);
  int rc = setns(fd, flag);
  close(fd);
  return rc < 0 ? fail("setns %s", path) : 0;
}

/* the new time namespace's clock offsets: settable only until its first process enters it */
static int write_time_offsets(const struct plan *p) {
  char data[256];
  size_t n = 0;
  for (size_t i = 0; i < p->n_ops; i++) {
    const struct op *o = &p->ops[i];
    if (o->code != OP_TIME_OFFSET) continue;
    n += (size_t)snprintf(data + n, sizeof(data) - n, "%s %s %s\n", o->arg[0], o->arg[1], o->arg[2]);
    if (n >= sizeof(data)) return failx("time offsets too long");
  }
  return n ? write_file("/proc/self/timens_offsets", data) : 0;
}

int prepare_monitor_namespaces(const struct plan *p) {
  for (size_t i = 0; i < p->n_ops; i++) {
    const struct op *o = &p->ops[i];
    if (o->code != OP_NAMESPACE) continue;
    if (strcmp(o->arg[0], "time") == 0 && !*o->arg[1]) {
      if (unshare(CLONE_NEWTIME) < 0) return fail("unshare time");
      if (write_time_offsets(p) < 0) return -1;
    }
    /* joining a pid namespace only moves the children: the monitor does it for the init */
    if (strcmp(o->arg[0], "pid") == 0 && *o->arg[1] && setns_path(o->arg[1], CLONE_NEWPID) < 0) return -1;
    /* a prepared network namespace belongs to the host's user namespace: an init in a new user
       namespace could no longer enter it, so the monitor does and the init inherits it */
    if (strcmp(o->arg[0], "network") == 0 && *o->arg[1] && setns_path(o->arg[1], CLONE_NEWNET) < 0) return -1;
  }
  return 0;
}

int join_cgroups(const struct plan *p, pid_t pid) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%d", (int)pid);
  for (size_t i = 0; i < p->n_ops; i++)
    if (p->ops[i].code == OP_CGROUP_PROCS && write_file(p->ops[i].arg[0], buf) < 0) return -1;
  return 0;
}

static int write_map(const struct plan *p, pid_t pid, enum op_code code, const char *file) {
  char data[1024], path[64];
  size_t n = 0;
  for (size_t i = 0; i < p->n_ops; i++) {
    const struct op *o = &p->ops[i];
    if (o->code != code) continue;
    n += (size_t)snprintf(data + n, sizeof(data) - n, "%s %s %s\n", o->arg[0], o->arg[1], o->arg[2]);
    if (n >= sizeof(data)) return failx("%s too long", file);
  }
  if (n == 0) return 0;
  snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
  return write_file(path, data);
}

int write_id_maps(const struct plan *p, pid_t pid) {
  if (write_map(p, pid, OP_UID_MAP, "uid_map") < 0) return -1;
  return write_map(p, pid, OP_GID_MAP, "gid_map");
}

int join_namespaces(const struct plan *p) {
  /* the user namespace first: the others are owned by it */
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < p->n_ops; i++) {
      const struct op *o = &p->ops[i];
      if (o->code != OP_NAMESPACE || !*o->arg[1]) continue;
      if (strcmp(o->arg[0], "pid") == 0 || strcmp(o->arg[0], "network") == 0) continue; /* the monitor's */
      int user = strcmp(o->arg[0], "user") == 0;
      if (user != (pass == 0)) continue;
      int f = kind_flag(o->arg[0]);
      if (f < 0 || setns_path(o->arg[1], f) < 0) return -1;
    }
  }
  return 0;
}

int become_namespace_root(const struct plan *p) {
  for (size_t i = 0; i < p->n_ops; i++) {
    const struct op *o = &p->ops[i];
    if (o->code != OP_NAMESPACE || strcmp(o->arg[0], "user") != 0) continue;
    /* our credentials are still the host's ids, unmapped here: files we create would fail with EOVERFLOW */
    if (setresgid(0, 0, 0) < 0) return fail("setresgid 0 in the user namespace");
    if (setresuid(0, 0, 0) < 0) return fail("setresuid 0 in the user namespace");
    if (setgroups(0, NULL) < 0) return fail("setgroups in the user namespace");
  }
  return 0;
}

int unshare_cgroup_namespace(const struct plan *p) {
  for (size_t i = 0; i < p->n_ops; i++) {
    const struct op *o = &p->ops[i];
    if (o->code == OP_NAMESPACE && strcmp(o->arg[0], "cgroup") == 0 && !*o->arg[1] && unshare(CLONE_NEWCGROUP) < 0)
      return fail("unshare cgroup");
  }
  return 0;
}

int loopback_up(const struct plan *p) {
  int fresh = 0;
  for (size_t i = 0; i < p->n_ops; i++) {
    const struct op *o = &p->ops[i];
    if (o->code == OP_NAMESPACE && strcmp(o->arg[0], "network") == 0 && !*o->arg[1]) fresh = 1;
  }
  if (!fresh) return 0;
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail("socket for the loopback");
  struct ifreq ifr;
  memset(&ifr, 0, sizeof(ifr));
  strcpy(ifr.ifr_name, "lo");
  int rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
  if (rc == 0) {
    ifr.ifr_flags |= IFF_UP;
    rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
  }
  close(fd);
  return rc < 0 ? fail("bringing the loopback up") : 0;
}
