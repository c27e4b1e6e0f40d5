/*
 * Shared by every subcommand of berth-runtime.
 *
 * Error convention: functions return 0 on success and -1 on failure, after
 * calling fail() which prints "berth-runtime: <context>: <strerror>" to stderr
 * (the agent shows that line to the user). main() turns a -1 into exit
 * status 125 (Docker's "the runtime itself failed"), so a container's own
 * exit statuses never collide with helper failures.
 */
#ifndef BERTH_COMMON_H
#define BERTH_COMMON_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define EXIT_HELPER_FAILED 125

/* prints "berth-runtime: <fmt>: <strerror(errno)>" and returns -1 */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* same, without errno */
int failx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* each subcommand: argc/argv start after the subcommand's name */
typedef int (*subcommand_fn)(int argc, char **argv);

int cmd_fsops(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_unmount(int argc, char **argv);
/* exits with the command's status: never returns 0 */
int cmd_init(int argc, char **argv);

#include <stddef.h>
#include <sys/types.h>

/* util.c: small I/O helpers, all following the convention above */
int read_all(int fd, void *buf, size_t len);
int write_all(int fd, const void *buf, size_t len);
/* writes a whole small file (procfs/sysfs/cgroup files); no O_CREAT */
int write_file(const char *path, const char *data);
/* creates path.tmp, writes, renames over path: readers see old or new, never half */
int write_file_atomic(const char *path, const char *data, size_t len);
/* field 22 of /proc/<pid>/stat: guards a stored pid against reuse */
int proc_start_time(pid_t pid, unsigned long long *out);
/* appends s[0..n) JSON-escaped (as JSON.stringify does; invalid UTF-8 as U+FFFD) to out; returns bytes written */
size_t json_escape(char *out, const char *s, size_t n);
/* "2026-11-22T14:00:00.123456789Z" into buf (at least 32 bytes) */
void now_rfc3339(char *buf, size_t size);
/* closes fd unless negative, keeping errno; sets it to -1 */
void close_fd(int *fd);
/* marks every descriptor >= first close-on-exec: what the agent's process leaked stays out of
   the container (called just before execve, so the helper's own channels still work on failure) */
void cloexec_from(int first);
/* closes every descriptor >= first (a monitor or exec helper holds nothing of the agent's) */
void close_from(int first);

#endif
