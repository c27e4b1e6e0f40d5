/* berth-runtime: the few steps of the engine Node cannot do. Policy lives in TypeScript. */
#include <stdarg.h>
#include <stdlib.h>
#include "common.h"

static void vreport(const char *fmt, va_list ap, int with_errno) {
  int saved = errno;
  fputs("berth-runtime: ", stderr);
  vfprintf(stderr, fmt, ap);
  if (with_errno) fprintf(stderr, ": %s", strerror(saved));
  fputc('\n', stderr);
}

int fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(fmt, ap, 1);
  va_end(ap);
  return -1;
}

int failx(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(fmt, ap, 0);
  va_end(ap);
  return -1;
}

static const struct {
  const char *name;
  subcommand_fn fn;
  const char *usage;
} subcommands[] = {
    {"run", cmd_run, "run < PLAN   start a container under a new monitor (plan format: agent/native/README.md)"},
    {"exec", cmd_exec, "exec 3< PLAN   run a process inside a running container"},
    {"unmount", cmd_unmount, "unmount TARGET   lazily unmount a rootfs whose monitor died"},
    {"init", cmd_init, "init -- CMD [ARGS]   PID 1 for docker run --init: reaps orphans, forwards signals"},
    {"fsops", cmd_fsops, "fsops ROOT < OPS   filesystem calls Node lacks (whiteouts, opaque dirs, device nodes, xattrs)"},
};

int main(int argc, char **argv) {
  /* bind-mounted into a container as /sbin/docker-init (docker run --init) */
  const char *base = strrchr(argv[0], '/');
  if (strcmp(base ? base + 1 : argv[0], "docker-init") == 0) return cmd_init(argc - 1, argv + 1) == 0 ? 0 : EXIT_HELPER_FAILED;
  if (argc >= 2) {
    for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
      if (strcmp(argv[1], subcommands[i].name) == 0) {
        return subcommands[i].fn(argc - 2, argv + 2) == 0 ? 0 : EXIT_HELPER_FAILED;
      }
    }
  }
  fprintf(stderr, "usage: berth-runtime SUBCOMMAND ...\n");
  for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
    fprintf(stderr, "  %s\n", subcommands[i].usage);
  return 2;
}
