/*
 * An overlay whose lower layers are idmapped mounts (Linux ≥ 6.8 for the
 * `lowerdir+` descriptors): a container in a user namespace sees the image's
 * files owned by its own ids, with no chowned copy of the layers. The
 * mapping is the plan's uid-map/gid-map, carried by a user namespace that a
 * short-lived child holds while we take a descriptor of it.
 */
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"
#include "idmap.h"
#include "namespaces.h"

/* a user namespace with the plan's id maps: a child unshares it, we map it and keep a descriptor */
static int mapped_userns(const struct plan *p) {
  int ready[2], fd = -1;
  if (pipe2(ready, O_CLOEXEC) < 0) return fail("pipe");
  pid_t pid = fork();
  if (pid < 0) {
    close(ready[0]), close(ready[1]);
    return fail("fork");
  }
  if (pid == 0) {
    close(ready[0]);
    if (unshare(CLONE_NEWUSER) < 0 || write(ready[1], "u", 1) != 1) _exit(1);
    for (;;) pause(); /* killed once the parent holds the namespace */
  }
  close(ready[1]);
  char c, path[64];
  if (read(ready[0], &c, 1) != 1) {
    failx("the user namespace for idmapped layers could not be made");
  } else if (write_id_maps(p, pid) == 0) {
    snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) fail("open %s", path);
  }
  close(ready[0]);
  kill(pid, SIGKILL);
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
  }
  return fd;
}

/* a detached copy of the mount at path, its ids shifted through userns */
static int idmapped_tree(const char *path, int userns) {
  int tree = (int)syscall(SYS_open_tree, AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0) return fail("open_tree %s", path);
  struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (unsigned long long)userns};
  if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
    fail("idmap %s", path);
    close(tree);
    return -1;
  }
  return tree;
}

#define MAX_LAYERS 512
/* the idmapped trees stay open until the overlay is made: a detached tree dies with its last descriptor */
struct trees {
  int fd[MAX_LAYERS];
  size_t n;
};

static int set_option(int fs, char *opt, int userns, struct trees *t) {
  char *eq = strchr(opt, '=');
  if (!eq) return syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, opt, NULL, 0) < 0 ? fail("overlay option %s", opt) : 0;
  *eq = 0;
  const char *key = opt, *value = eq + 1;
  if (strcmp(key, "lowerdir") != 0)
    return syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, key, value, 0) < 0 ? fail("overlay option %s", key) : 0;
  /* top layer first, as in lowerdir=; each one idmapped */
  char *layers = eq + 1, *save = NULL;
  for (char *layer = strtok_r(layers, ":", &save); layer; layer = strtok_r(NULL, ":", &save)) {
    if (t->n == MAX_LAYERS) return failx("more than %d layers", MAX_LAYERS);
    int tree = idmapped_tree(layer, userns);
    if (tree < 0) return -1;
    t->fd[t->n++] = tree;
    if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_FD, "lowerdir+", NULL, tree) < 0) return fail("overlay lowerdir+ %s (idmapped layers need Linux 6.8 or later)", layer);
  }
  return 0;
}

int mount_overlay_idmapped(const struct plan *p, const char *data, const char *target) {
  char *copy = strdup(data), *save = NULL;
  int userns = -1, fs = -1, mnt = -1, rc = -1;
  struct trees trees = {.n = 0};
  if (!copy) return fail("strdup");
  if ((userns = mapped_userns(p)) < 0) goto out;
  if ((fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC)) < 0) {
    fail("fsopen overlay");
    goto out;
  }
  for (char *opt = strtok_r(copy, ",", &save); opt; opt = strtok_r(NULL, ",", &save))
    if (set_option(fs, opt, userns, &trees) < 0) goto out;
  if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
    fail("create overlay");
    goto out;
  }
  if ((mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0)) < 0) {
    fail("fsmount overlay");
    goto out;
  }
  if (syscall(SYS_move_mount, mnt, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
    fail("move overlay to %s", target);
    goto out;
  }
  rc = 0;
out:
  close_fd(&mnt);
  close_fd(&fs);
  close_fd(&userns);
  for (size_t i = 0; i < trees.n; i++) close_fd(&trees.fd[i]);
  free(copy);
  return rc;
}
