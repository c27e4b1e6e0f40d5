/*
 * The monitor's attach socket (unix stream, both directions): frames of
 * type (1 byte) + big-endian length (4 bytes) + payload (<= 4096 bytes).
 *   client -> monitor: 'a' attach to output; 'i' stdin bytes; 'c' close stdin;
 *     'r' resize "ROWS COLS"; 's' start a created container; 'w' wait for exit
 *   monitor -> client: '1' stdout bytes; '2' stderr bytes; 'o' done;
 *     'e' error text; 'x' exited "CODE SIGNAL"
 * Shared between monitor.c (the loop) and attach.c (the clients).
 */
#ifndef BERTH_ATTACH_H
#define BERTH_ATTACH_H
#include <sys/types.h>
#include "jsonlog.h"
#include "plan.h"

#define MAX_CLIENTS 16
#define FRAME_MAX 4096

struct client {
  int fd;
  int attached, waiting;
  size_t have;
  unsigned char buf[5 + FRAME_MAX];
};

struct monitor {
  const struct plan *p;
  pid_t init;
  unsigned long long init_start, self_start;
  int sigfd, listen_fd, sync_fd;
  int out_fd, err_fd, in_fd; /* with a terminal: out_fd is the master, in_fd a dup of it, err_fd -1 */
  int terminal, created, exited, status;
  char error[600];
  char state_path[4096];
  char started_at[40], finished_at[40];
  struct jsonlog log;
  int logging;
  /* a client whose stdin frame waits for room in the container's stdin (we never block on it) */
  struct client *stdin_waiter;
};

extern struct client clients[MAX_CLIENTS];

int listen_on(const char *path);
void accept_client(int listen_fd);
/* reads what a client sent and acts on each whole frame */
void read_client(struct monitor *m, struct client *c);
/* resumes a client's frames once the container's stdin has room */
void process_frames(struct monitor *m, struct client *c);
int send_frame(int fd, char type, const void *data, size_t len);
/* output to every attached client */
void broadcast(char type, const char *data, size_t len);
/* monitor.c: releases a created init into its command ('s') */
int start_init(struct monitor *m, char *err, size_t err_size);
#endif
