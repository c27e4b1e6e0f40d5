/* Filesystem steps of a container's start: overlay rootfs, mounts, pivot_root, masked and read-only paths. */
#ifndef BERTH_MOUNTS_H
#define BERTH_MOUNTS_H
#include "plan.h"

/* openat2(RESOLVE_IN_ROOT): path resolved as if rootfd were "/", symlinks included */
int open_in_root(int rootfd, const char *path, int flags);
/* host mount namespace: mounts the overlay named by OP_OVERLAY (if any) at its target */
int mount_overlay(const struct plan *p);
/* undoes mount_overlay (lazy: an exec'd process may still hold the tree for an instant) */
void unmount_overlay(const struct plan *p);
/* container mount namespace: rprivate, rootfs bind, then every mount/mknod/symlink op, in plan order */
int setup_rootfs(const struct plan *p, const char *rootfs);
/* opens rootfs/dev/pts/ptmx: the container's own devpts instance (call before pivot_root) */
int open_container_ptmx(const char *rootfs);
int pivot_into(const char *rootfs);
/* after pivot_root: masked paths, read-only paths, read-only root */
int finish_rootfs(const struct plan *p);
#endif
