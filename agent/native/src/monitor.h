/* The per-container monitor: parent of the container's init, outlives the agent. */
#ifndef BERTH_MONITOR_H
#define BERTH_MONITOR_H
#include "plan.h"

/*
 * Runs in a fresh session: mounts the rootfs, clones the init, reports one
 * line on stdout ("created|running PID STARTTIME MONITORPID" or
 * "error CODE MESSAGE"), then serves the socket and logs until the init has
 * exited, its status recorded in task-dir/state.json. Returns the exit status.
 */
int monitor_main(const struct plan *p);
#endif
