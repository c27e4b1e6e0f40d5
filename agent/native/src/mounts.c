/*
 * Filesystem steps of a container's start. Paths inside the rootfs are
 * resolved with openat2(RESOLVE_IN_ROOT) so a symlink in the image can never
 * point a mount at the host; the mount then targets /proc/self/fd/N.
 */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "common.h"
#include "idmap.h"
#include "mounts.h"

#define PROPAGATION (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)

int mount_overlay(const struct plan *p) {
  const struct op *o = plan_find(p, OP_OVERLAY);
  if (!o) return 0;
  const char *cwd = o->arg[0], *data = o->arg[1], *target = o->arg[2];
  /* deep images: layer paths relative to cwd keep the option string within one page */
  if (*cwd && chdir(cwd) < 0) return fail("chdir %s", cwd);
  int rc = plan_has(p, OP_OVERLAY_IDMAP) ? mount_overlay_idmapped(p, data, target)
                                        : mount("overlay", target, "overlay", 0, data);
  int saved = errno;
  if (*cwd && chdir("/") < 0) return fail("chdir /");
  errno = saved;
  if (rc < 0) return plan_has(p, OP_OVERLAY_IDMAP) ? -1 : fail("mount overlay on %s", target);
  return 0;
}

void unmount_overlay(const struct plan *p) {
  const struct op *o = plan_find(p, OP_OVERLAY);
  if (o && umount2(o->arg[2], MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
    fail("umount %s", o->arg[2]);
}

int open_in_root(int rootfd, const char *path, int flags) {
  struct open_how how = {.flags = (unsigned long long)(flags | O_CLOEXEC), .resolve = RESOLVE_IN_ROOT};
  while (*path == '/') path++;
  if (!*path) path = ".";
  return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
}

/* mkdir -p inside the root; each step re-resolved in the root */
static int mkdir_in_root(int rootfd, const char *path) {
  char buf[4096];
  if ((size_t)snprintf(buf, sizeof(buf), "%s", path) >= sizeof(buf)) return failx("path too long: %s", path);
  for (char *s = buf + 1;; s++) {
    if (*s != '/' && *s != 0) continue;
    char saved = *s;
    *s = 0;
    char *slash = strrchr(buf, '/');
    *slash = 0;
    int parent = open_in_root(rootfd, *buf ? buf : "/", O_PATH | O_DIRECTORY);
    *slash = '/';
    if (parent < 0) return fail("open %s in rootfs", buf);
    int rc = mkdirat(parent, slash + 1, 0755);
    int err = errno;
    close(parent);
    if (rc < 0 && err != EEXIST) {
      errno = err;
      return fail("mkdir %s in rootfs", buf);
    }
    *s = saved;
    if (!saved) return 0;
  }
}

/* the parent directory of path, created if missing; *base points at the last component */
static int open_parent(int rootfd, const char *path, char *tmp, size_t size, const char **base) {
  if ((size_t)snprintf(tmp, size, "%s", path) >= size) return failx("path too long: %s", path);
  char *slash = strrchr(tmp, '/');
  if (!slash || !slash[1]) return failx("bad path %s", path);
  *base = path + (slash - tmp) + 1;
  *slash = 0;
  if (*tmp && mkdir_in_root(rootfd, tmp) < 0) return -1;
  int fd = open_in_root(rootfd, *tmp ? tmp : "/", O_PATH | O_DIRECTORY);
  if (fd < 0) return fail("open %s in rootfs", *tmp ? tmp : "/");
  return fd;
}

/* a mount point of the right kind (file for a bound file, directory otherwise) */
static int make_target(int rootfd, const char *dest, const char *src, unsigned long flags) {
  struct stat st;
  int file = (flags & MS_BIND) && stat(src, &st) == 0 && !S_ISDIR(st.st_mode);
  if (!file) {
    if (mkdir_in_root(rootfd, dest) < 0) return -1;
  } else {
    char tmp[4096];
    const char *base;
    int parent = open_parent(rootfd, dest, tmp, sizeof(tmp), &base);
    if (parent < 0) return -1;
    int fd = openat(parent, base, O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
    int err = errno;
    close(parent);
    if (fd < 0 && err != EEXIST && err != ELOOP && err != EISDIR) {
      errno = err;
      return fail("create %s in rootfs", dest);
    }
    close_fd(&fd);
  }
  int fd = open_in_root(rootfd, dest, O_PATH);
  if (fd < 0) return fail("open %s in rootfs", dest);
  return fd;
}

/* the flags a read-only remount must keep (the kernel refuses to drop locked ones) */
static unsigned long kept_flags(const char *path) {
  struct statvfs sv;
  if (statvfs(path, &sv) < 0) return 0;
  unsigned long f = 0;
  if (sv.f_flag & ST_NOSUID) f |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV) f |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
  return f;
}

static int do_mount(int rootfd, const struct op *o) {
  const char *src = o->arg[0], *dest = o->arg[1], *fstype = o->arg[2], *data = o->arg[4];
  long long flags_ll;
  if (parse_ll(o->arg[3], &flags_ll) < 0) return -1;
  unsigned long flags = (unsigned long)flags_ll, prop = flags & PROPAGATION, main = flags & ~PROPAGATION;
  int fd = (main & MS_REMOUNT) ? open_in_root(rootfd, dest, O_PATH) : make_target(rootfd, dest, src, main);
  if (fd < 0) return (main & MS_REMOUNT) ? fail("open %s in rootfs", dest) : -1;
  char target[64];
  snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
  int rc = -1;
  if (main & MS_REMOUNT) {
    if (mount(NULL, target, NULL, main | kept_flags(target), *data ? data : NULL) < 0) {
      fail("remount %s", dest);
      goto out;
    }
  } else if (mount(src, target, *fstype ? fstype : NULL, main, *data ? data : NULL) < 0) {
    /* a new user namespace may not mount sysfs for a network namespace it does not own (the
       agent prepares it in the host's): bind the host's /sys instead, as runc does */
    if (!(errno == EPERM && strcmp(fstype, "sysfs") == 0 && mount("/sys", target, NULL, MS_BIND | MS_REC, NULL) == 0)) {
      fail("mount %s on %s", *fstype ? fstype : src, dest);
      goto out;
    }
    main |= MS_BIND;
  }
  /* a bind mount ignores its flags until remounted */
  unsigned long extra = main & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
  if ((main & MS_BIND) && !(main & MS_REMOUNT) && extra) {
    char again[64];
    int fd2 = open_in_root(rootfd, dest, O_PATH); /* the fd above still names the covered inode */
    if (fd2 < 0) {
      fail("open %s in rootfs", dest);
      goto out;
    }
    snprintf(again, sizeof(again), "/proc/self/fd/%d", fd2);
    rc = mount(NULL, again, NULL, MS_REMOUNT | MS_BIND | extra | kept_flags(again), NULL);
    if (rc < 0) fail("remount %s", dest);
    close(fd2);
    if (rc < 0) goto out;
  }
  if (prop && mount(NULL, target, NULL, prop | (main & MS_REC), NULL) < 0) {
    fail("propagation of %s", dest);
    goto out;
  }
  rc = 0;
out:
  close(fd);
  return rc;
}

static int do_mknod(int rootfd, const struct op *o) {
  long long major, minor, mode, uid, gid;
  if (parse_ll(o->arg[2], &major) < 0 || parse_ll(o->arg[3], &minor) < 0 || parse_ll(o->arg[4], &mode) < 0 ||
      parse_ll(o->arg[5], &uid) < 0 || parse_ll(o->arg[6], &gid) < 0)
    return -1;
  mode_t type = o->arg[1][0] == 'b' ? S_IFBLK : o->arg[1][0] == 'p' ? S_IFIFO : S_IFCHR;
  char tmp[4096];
  const char *base;
  int parent = open_parent(rootfd, o->arg[0], tmp, sizeof(tmp), &base);
  if (parent < 0) return -1;
  int rc = 0;
  if (mknodat(parent, base, type | (mode_t)mode, makedev(major, minor)) < 0 && errno != EEXIST)
    rc = fail("mknod %s", o->arg[0]);
  else if (fchownat(parent, base, (uid_t)uid, (gid_t)gid, AT_SYMLINK_NOFOLLOW) < 0)
    rc = fail("chown %s", o->arg[0]);
  else if (fchmodat(parent, base, (mode_t)mode, 0) < 0) /* umask would have cut the mode */
    rc = fail("chmod %s", o->arg[0]);
  close(parent);
  return rc;
}

static int do_symlink(int rootfd, const struct op *o) {
  char tmp[4096];
  const char *base;
  int parent = open_parent(rootfd, o->arg[1], tmp, sizeof(tmp), &base);
  if (parent < 0) return -1;
  int rc = 0;
  if (symlinkat(o->arg[0], parent, base) < 0 && errno != EEXIST) rc = fail("symlink %s", o->arg[1]);
  close(parent);
  return rc;
}

int setup_rootfs(const struct plan *p, const char *rootfs) {
  /* nothing mounted from here on may propagate back to the host */
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) return fail("make / rprivate");
  /* pivot_root needs the new root to be a mount point */
  if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0) return fail("bind %s", rootfs);
  int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) return fail("open %s", rootfs);
  int rc = 0;
  for (size_t i = 0; i < p->n_ops && rc == 0; i++) {
    const struct op *o = &p->ops[i];
    if (o->code == OP_MOUNT) rc = do_mount(rootfd, o);
    else if (o->code == OP_MKNOD) rc = do_mknod(rootfd, o);
    else if (o->code == OP_SYMLINK) rc = do_symlink(rootfd, o);
  }
  close(rootfd);
  return rc;
}

int open_container_ptmx(const char *rootfs) {
  char path[4096];
  snprintf(path, sizeof(path), "%s/dev/pts/ptmx", rootfs);
  int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return fail("open %s", path);
  return fd;
}

int pivot_into(const char *rootfs) {
  if (chdir(rootfs) < 0) return fail("chdir %s", rootfs);
  /* pivot_root(".", "."): the old root lands under the new one and is detached at once, no temp dir */
  if (syscall(SYS_pivot_root, ".", ".") < 0) return fail("pivot_root %s", rootfs);
  if (mount(NULL, ".", NULL, MS_REC | MS_SLAVE, NULL) < 0) return fail("make old root rslave");
  if (umount2(".", MNT_DETACH) < 0) return fail("detach old root");
  if (chdir("/") < 0) return fail("chdir /");
  return 0;
}

static int mask_path(const char *path) {
  struct stat st;
  if (stat(path, &st) < 0) return errno == ENOENT ? 0 : fail("stat %s", path);
  int rc = S_ISDIR(st.st_mode) ? mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0")
                               : mount("/dev/null", path, NULL, MS_BIND, NULL);
  return rc < 0 ? fail("mask %s", path) : 0;
}

static int readonly_path(const char *path) {
  if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) return errno == ENOENT ? 0 : fail("bind %s", path);
  if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC | kept_flags(path), NULL) < 0)
    return fail("remount %s read-only", path);
  return 0;
}

int finish_rootfs(const struct plan *p) {
  for (size_t i = 0; i < p->n_ops; i++) {
    const struct op *o = &p->ops[i];
    if (o->code == OP_MASK && mask_path(o->arg[0]) < 0) return -1;
    if (o->code == OP_READONLY && readonly_path(o->arg[0]) < 0) return -1;
  }
  const struct op *r = plan_find(p, OP_ROOTFS);
  if (r && strcmp(r->arg[1], "1") == 0 &&
      mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | kept_flags("/"), NULL) < 0)
    return fail("remount / read-only");
  return 0;
}
