"""Send every reply at once: Nagle's algorithm off (TCP_NODELAY) on the server's TCP sockets.

uvicorn accepts on a socket Streamlit binds itself with protocol number 0, and asyncio sets TCP_NODELAY only
on sockets whose protocol reads IPPROTO_TCP, so Streamlit's replies go out with Nagle on: after the first
small message of a run the rest wait for the visitor's delayed ACK, about 40 ms on Linux. Every page run,
an empty one included, paid that (benchmarks/bench_warm_runs.py: an empty page 48 ms, 6 ms without it).
"""

from __future__ import annotations

import functools
import os
import socket
import stat

FD_DIR = "/proc/self/fd"  # Linux; elsewhere there is nothing to list and nothing is changed


@functools.cache
def send_without_delay() -> int:
    """Set TCP_NODELAY on every TCP socket the process has open; how many were set.

    Once per process (the router calls this on every run): the listening socket is among them, and Linux
    gives each connection it accepts later the same setting; those already accepted are set here directly.
    """
    try:
        fds = [int(name) for name in os.listdir(FD_DIR)]
    except OSError:
        return 0
    done = 0
    for fd in fds:
        try:
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue
            # A duplicate descriptor of the same socket: the option is the socket's, and closing the
            # duplicate leaves the server's own descriptor open.
            with socket.socket(fileno=os.dup(fd)) as sock:
                if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    done += 1
        except OSError:  # closed meanwhile, or not a socket this can set: leave it
            continue
    return done
