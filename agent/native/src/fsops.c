/* fsops: placeholder until the image store's unpacker defines its operations. */
#include "common.h"

int cmd_fsops(int argc, char **argv) {
  (void)argc;
  (void)argv;
  return failx("fsops: not implemented yet");
}
