/*
 * The monitor ⇄ container-init handshake over a SOCK_SEQPACKET pair: one
 * message per step, its first byte the type.
 *   monitor → init  'G'  cgroup joined, id maps written: go on
 *   init → monitor  'T'  (with SCM_RIGHTS) the pty master, for a terminal
 *   init → monitor  'C'  created: set up, waiting for start
 *   monitor → init  'S'  start
 *   init → monitor  'E' <code byte> <message>  failed; init exits with code
 *   end of file          execve succeeded (the socket is close-on-exec)
 */
#ifndef BERTH_SYNC_H
#define BERTH_SYNC_H
#include <stddef.h>

int sync_send(int sock, char type, const char *payload, size_t len, int fd_to_pass);
/* returns the message length (0 at end of file) or -1; *fd gets a passed descriptor or -1 */
int sync_recv(int sock, char *buf, size_t size, int *fd);
#endif
