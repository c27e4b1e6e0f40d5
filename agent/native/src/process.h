/* Process attributes shared by a container's init and exec'd processes. */
#ifndef BERTH_PROCESS_H
#define BERTH_PROCESS_H
#include "plan.h"

/* rlimits from the plan, each soft/hard clamped to what this process may set */
int apply_rlimits(const struct plan *p);
/*
 * Bounding set, user and groups, then effective/permitted/inheritable and
 * ambient capabilities, no_new_privs and (without no_new_privs, while
 * privileged enough) seccomp. Call as root, after the filesystem is ready.
 */
int apply_identity(const struct plan *p, int *seccomp_pending);
int apply_seccomp(const struct plan *p);
/*
 * Finds argv[0] along the plan's PATH as Docker does. On failure writes a
 * Docker-style message to msg and returns 127 (not found) or 126 (not
 * executable); 0 with the path in out on success.
 */
int lookup_command(const struct plan *p, char *out, size_t out_size, char *msg, size_t msg_size);
#endif
