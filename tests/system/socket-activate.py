#!/usr/bin/python3
"""What systemd's socket units do, for the system tests: hold a listening
unix socket and, whenever a client is waiting and no service runs, start
CMD with the socket as fd 3 (LISTEN_FDS=1, LISTEN_PID its own pid).  Each
start appends a line to COUNTFILE.  Stops after a minute or on SIGTERM.

  socket-activate.py SOCKET COUNTFILE CMD [ARGS...]
"""
import os
import select
import signal
import socket
import subprocess
import sys
import time

path, countfile, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
old = os.umask(0o177)
sock.bind(path)
os.umask(old)
sock.listen(16)
# The socket is fd 3 here already, inherited by every start.
if sock.fileno() != 3:
    os.dup2(sock.fileno(), 3)
os.set_inheritable(3, True)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
deadline = time.monotonic() + 60

with open(countfile, "a") as count:
    while time.monotonic() < deadline:
        ready, _, _ = select.select([sock], [], [], 0.5)
        if not ready:
            continue
        child = subprocess.Popen(
            ["sh", "-c", 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$@"', "sh"] + cmd,
            close_fds=True, pass_fds=(3,))
        count.write("started %d\n" % child.pid)
        count.flush()
        child.wait()
        count.write("exited %d\n" % child.returncode)
        count.flush()
