/*
 * fsops ROOT < OPS: the filesystem calls Node lacks, batched so the unpacker
 * spawns this helper once per layer, never once per file.
 *
 * OPS is a sequence of NUL-terminated fields; each operation is its name
 * followed by a fixed number of fields. PATHs are relative to ROOT and are
 * resolved with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS), so no
 * operation can reach outside ROOT or through a symlink, whatever TypeScript
 * sent.
 *
 *   whiteout PATH                          overlay whiteout: char device 0:0
 *   opaque PATH                            trusted.overlay.opaque=y on a directory
 *   mknod PATH TYPE MAJOR MINOR MODE       TYPE c, b or p; MODE octal permission bits
 *   setxattr PATH NAME HEXVALUE            value hex-encoded (xattr values are binary)
 *   scan-opaque PATH                       print (NUL-terminated, relative to ROOT, "." for ROOT)
 *                                          every directory under PATH that is overlay-opaque
 *
 * The first failing call stops the batch: "berth-runtime: fsops: <op> <path>: <error>".
 */
#include <fcntl.h>
#include <ftw.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include "common.h"

#define MAX_INPUT (256u << 20)
#define OPAQUE_XATTR "trusted.overlay.opaque"

static int root_fd = -1;

static void fsops_close_fd(int *fd) {
  if (*fd >= 0) close(*fd);
}
#define FSOPS_AUTO_FD __attribute__((cleanup(fsops_close_fd))) int

static void fsops_free_ptr(void *p) { free(*(void **)p); }
#define FSOPS_AUTO_FREE __attribute__((cleanup(fsops_free_ptr)))

/* opens PATH under ROOT without following any symlink or leaving ROOT */
static int open_beneath(const char *path, int flags) {
  struct open_how how = {
      .flags = (uint64_t)(flags | O_CLOEXEC),
      .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
  };
  return (int)syscall(SYS_openat2, root_fd, *path ? path : ".", &how, sizeof how);
}

/* splits PATH into an fd of its parent (under ROOT) and its last component */
static int open_parent(const char *path, const char **base) {
  const char *slash = strrchr(path, '/');
  if (!slash) {
    *base = path;
    return open_beneath(".", O_PATH | O_DIRECTORY);
  }
  *base = slash + 1;
  size_t n = (size_t)(slash - path);
  FSOPS_AUTO_FREE char *dir = strndup(path, n);
  if (!dir) return -1;
  return open_beneath(dir, O_PATH | O_DIRECTORY);
}

static int valid_base(const char *base) {
  return *base && strcmp(base, ".") != 0 && strcmp(base, "..") != 0;
}

static int do_mknod(const char *path, mode_t mode, dev_t dev) {
  const char *base;
  FSOPS_AUTO_FD pfd = open_parent(path, &base);
  if (pfd < 0) return fail("fsops: mknod %s: parent", path);
  if (!valid_base(base)) return failx("fsops: mknod %s: bad name", path);
  if (mknodat(pfd, base, mode, dev) < 0) return fail("fsops: mknod %s", path);
  /* mknod honours the umask; the layer's mode must survive it */
  if (fchmodat(pfd, base, mode & 07777, 0) < 0) return fail("fsops: chmod %s", path);
  return 0;
}

static int do_opaque(const char *path) {
  FSOPS_AUTO_FD fd = open_beneath(path, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return fail("fsops: opaque %s", path);
  if (fsetxattr(fd, OPAQUE_XATTR, "y", 1, 0) < 0) return fail("fsops: opaque %s", path);
  return 0;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

static int do_setxattr(const char *path, const char *name, const char *hex) {
  size_t len = strlen(hex);
  if (len % 2) return failx("fsops: setxattr %s %s: odd hex value", path, name);
  FSOPS_AUTO_FREE unsigned char *val = malloc(len / 2 + 1);
  if (!val) return fail("fsops: setxattr %s", path);
  for (size_t i = 0; i < len / 2; i++) {
    int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return failx("fsops: setxattr %s %s: bad hex value", path, name);
    val[i] = (unsigned char)(hi << 4 | lo);
  }
  FSOPS_AUTO_FD fd = open_beneath(path, O_PATH | O_NOFOLLOW);
  if (fd < 0) return fail("fsops: setxattr %s", path);
  /* an O_PATH fd takes no fsetxattr; its /proc link reaches the same inode */
  char proc[64];
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
  if (setxattr(proc, name, val, len / 2, 0) < 0) return fail("fsops: setxattr %s %s", path, name);
  return 0;
}

static size_t scan_prefix;

static int scan_one(const char *fpath, const struct stat *sb, int type, struct FTW *ftw) {
  (void)sb;
  (void)ftw;
  if (type != FTW_D) return 0;
  char v[2];
  ssize_t n = lgetxattr(fpath, OPAQUE_XATTR, v, sizeof v);
  if (n == 1 && v[0] == 'y') {
    const char *rel = fpath + scan_prefix;
    while (*rel == '/') rel++;
    if (*rel == '\0') rel = "."; /* ROOT itself; an empty name would read as a separator */
    fwrite(rel, 1, strlen(rel) + 1, stdout);
  }
  return 0;
}

static int do_scan_opaque(const char *root, const char *path) {
  FSOPS_AUTO_FD fd = open_beneath(path, O_PATH | O_DIRECTORY);
  if (fd < 0) return fail("fsops: scan-opaque %s", path);
  FSOPS_AUTO_FREE char *full = NULL;
  if (asprintf(&full, "%s%s%s", root, *path ? "/" : "", path) < 0) return fail("fsops: scan-opaque %s", path);
  scan_prefix = strlen(root);
  /* FTW_PHYS: never follow a symlink a container planted in its upper dir */
  if (nftw(full, scan_one, 32, FTW_PHYS | FTW_MOUNT) != 0) return fail("fsops: scan-opaque %s", path);
  return fflush(stdout) == 0 ? 0 : fail("fsops: scan-opaque: stdout");
}

static int read_ops_input(char **out, size_t *len) {
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  if (!buf) return fail("fsops: read");
  for (;;) {
    if (n == cap) {
      if (cap >= MAX_INPUT) {
        free(buf);
        return failx("fsops: input over %u bytes", MAX_INPUT);
      }
      char *bigger = realloc(buf, cap * 2);
      if (!bigger) {
        free(buf);
        return fail("fsops: read");
      }
      buf = bigger;
      cap *= 2;
    }
    ssize_t r = read(STDIN_FILENO, buf + n, cap - n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      free(buf);
      return fail("fsops: read");
    }
    if (r == 0) break;
    n += (size_t)r;
  }
  *out = buf;
  *len = n;
  return 0;
}

/* next NUL-terminated field, or NULL at the end / on a truncated field */
static const char *field(const char *buf, size_t len, size_t *pos) {
  if (*pos >= len) return NULL;
  const char *start = buf + *pos;
  const char *nul = memchr(start, '\0', len - *pos);
  if (!nul) return NULL;
  *pos = (size_t)(nul - buf) + 1;
  return start;
}

static int parse_num(const char *s, int base, unsigned long max, unsigned long *out) {
  char *end;
  errno = 0;
  unsigned long v = strtoul(s, &end, base);
  if (errno || !*s || *end || v > max) return -1;
  *out = v;
  return 0;
}

int cmd_fsops(int argc, char **argv) {
  if (argc != 1) return failx("usage: fsops ROOT < OPS");
  root_fd = open(argv[0], O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) return fail("fsops: %s", argv[0]);
  FSOPS_AUTO_FREE char *buf = NULL;
  size_t len = 0, pos = 0;
  if (read_ops_input(&buf, &len) < 0) return -1;
  const char *op;
  while ((op = field(buf, len, &pos)) != NULL) {
    const char *path = field(buf, len, &pos);
    if (!path) return failx("fsops: %s: missing PATH", op);
    if (strcmp(op, "whiteout") == 0) {
      if (do_mknod(path, S_IFCHR, makedev(0, 0)) < 0) return -1;
    } else if (strcmp(op, "opaque") == 0) {
      if (do_opaque(path) < 0) return -1;
    } else if (strcmp(op, "mknod") == 0) {
      const char *type = field(buf, len, &pos), *maj = field(buf, len, &pos), *min = field(buf, len, &pos),
                 *mode = field(buf, len, &pos);
      unsigned long vmaj, vmin, vmode;
      if (!type || !maj || !min || !mode) return failx("fsops: mknod %s: missing fields", path);
      if (parse_num(maj, 10, 0xfffff, &vmaj) < 0 || parse_num(min, 10, 0xfffff, &vmin) < 0 ||
          parse_num(mode, 8, 07777, &vmode) < 0)
        return failx("fsops: mknod %s: bad number", path);
      mode_t fmt = strcmp(type, "c") == 0 ? S_IFCHR : strcmp(type, "b") == 0 ? S_IFBLK : strcmp(type, "p") == 0 ? S_IFIFO : 0;
      if (!fmt) return failx("fsops: mknod %s: bad type %s", path, type);
      if (do_mknod(path, fmt | (mode_t)vmode, makedev(vmaj, vmin)) < 0) return -1;
    } else if (strcmp(op, "setxattr") == 0) {
      const char *name = field(buf, len, &pos), *hex = field(buf, len, &pos);
      if (!name || !hex) return failx("fsops: setxattr %s: missing fields", path);
      if (do_setxattr(path, name, hex) < 0) return -1;
    } else if (strcmp(op, "scan-opaque") == 0) {
      if (do_scan_opaque(argv[0], path) < 0) return -1;
    } else {
      return failx("fsops: unknown operation %s", op);
    }
  }
  if (pos != len) return failx("fsops: truncated operation");
  return 0;
}
