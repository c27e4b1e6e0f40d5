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

#endif
