/* An overlay with idmapped lower layers, for a container in a user namespace. */
#ifndef BERTH_IDMAP_H
#define BERTH_IDMAP_H
#include "plan.h"

/* mounts overlay DATA (mount(2) option syntax) at target, every lowerdir shifted by the plan's id maps */
int mount_overlay_idmapped(const struct plan *p, const char *data, const char *target);
#endif
