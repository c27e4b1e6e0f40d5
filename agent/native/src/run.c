/* `berth-runtime run`: one process start per container; the plan arrives on stdin. */
#include <stdlib.h>
#include <sys/mount.h>
#include <unistd.h>
#include "common.h"
#include "monitor.h"
#include "plan.h"

/* `berth-runtime unmount TARGET`: what a monitor that died could not unmount */
int cmd_unmount(int argc, char **argv) {
  if (argc != 1) return failx("usage: unmount TARGET");
  if (umount2(argv[0], MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT) return fail("umount %s", argv[0]);
  return 0;
}

int cmd_run(int argc, char **argv) {
  (void)argc, (void)argv;
  struct plan p;
  if (plan_read(0, &p) < 0) return -1;
  pid_t pid = fork();
  if (pid < 0) {
    plan_free(&p);
    return fail("fork monitor");
  }
  if (pid > 0) {
    /* the monitor reports on the stdout we share; the agent reads until it closes */
    plan_free(&p);
    return 0;
  }
  /* a session of its own: the agent's process group and terminal are not the monitor's */
  if (setsid() < 0) _exit(fail("setsid") ? EXIT_HELPER_FAILED : 0);
  /* the monitor outlives the agent: it must not keep open whatever the agent's process let through */
  close_from(3);
  _exit(monitor_main(&p));
}
