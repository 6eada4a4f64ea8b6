#!/usr/bin/env python3
"""Runs a command against a TCP port whose connection requests are never answered.

    unanswered-listener.py COMMAND [ARGS...]

Listens on 127.0.0.1 with a backlog of 0 and fills the backlog with connections it never
accepts; the kernel then drops further connection requests, so a client's connect waits for
its timeout (what examples-c/abort_connect.c needs). Every argument "{port}" is replaced by
that port; the command's exit status is returned. The listener lives as long as the command.
"""
import socket
import subprocess
import sys

if len(sys.argv) < 2:
    sys.exit(__doc__)
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(0)
port = listener.getsockname()[1]
fillers = []
for _ in range(64):
    s = socket.socket()
    s.settimeout(0.5)
    try:
        s.connect(("127.0.0.1", port))
        fillers.append(s)
    except (socket.timeout, BlockingIOError):
        break
else:
    sys.exit("unanswered-listener: the listen backlog never filled")
command = [a.replace("{port}", str(port)) for a in sys.argv[1:]]
sys.exit(subprocess.call(command))
