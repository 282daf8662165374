/* The init's side of its channel to the monitor (runtime/init.h tells
 * the messages): what the init and the pieces it sets up before exec
 * (runtime/unmapped_ids.c) send.  */
#ifndef GALLEY_RUNTIME_INIT_CHANNEL_H
#define GALLEY_RUNTIME_INIT_CHANNEL_H

#include "util/error.h"

/* Send an fd, tagged ('T' a pty master, 'S' a seccomp listener), or an
 * error over the channel.  */
int init_channel_send_fd (int channel, char tag, int fd);
void init_channel_send_error (int channel, const galley_error_t *err);

#endif
