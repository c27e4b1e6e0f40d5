/* Namespaces and cgroups of a container's start. */
#ifndef BERTH_NAMESPACES_H
#define BERTH_NAMESPACES_H
#include <sys/types.h>
#include "plan.h"

/* CLONE_NEW* for every namespace the plan asks new (cgroup and time excepted: see namespaces.c) */
int new_namespace_flags(const struct plan *p, unsigned long *flags);
/* monitor, before clone: a time namespace for its children, or the pid namespace to join */
int prepare_monitor_namespaces(const struct plan *p);
/* monitor, after clone: the child into its cgroups, then its uid/gid maps */
int join_cgroups(const struct plan *p, pid_t pid);
int write_id_maps(const struct plan *p, pid_t pid);
/* init: setns() into every namespace the plan names by path (pid excepted) */
int join_namespaces(const struct plan *p);
/* init, in a user namespace: root there (uid/gid 0 as mapped) */
int become_namespace_root(const struct plan *p);
/* init, once in its cgroup: a new cgroup namespace rooted there */
int unshare_cgroup_namespace(const struct plan *p);
/* init, in a network namespace of its own (as Docker's none): lo up, the one interface there */
int loopback_up(const struct plan *p);
#endif
