/* The container's first process, from clone() to execve(). */
#ifndef BERTH_CONTAINER_H
#define BERTH_CONTAINER_H
#include "plan.h"

struct init_io {
  int sync;          /* init's end of the handshake socket */
  int in, out, err;  /* the container's stdio; unused with a terminal */
};

/* never returns: execs the command or exits with 125/126/127 after telling the monitor why */
void container_init(const struct plan *p, const struct init_io *io) __attribute__((noreturn));

/* a pty's slave end, opened through the master (the peer lives in the same devpts instance) */
int open_pty_peer(int master);
/* the slave as controlling terminal (of the session we lead) and stdin/stdout/stderr */
int take_tty(int slave);
/* default signal handling and an empty mask, as a fresh process expects */
void reset_signals(void);
#endif
