"""TCP_NODELAY on the server's sockets (kit/sockets.py): set on those open, and on those accepted later."""

from __future__ import annotations

import socket
import sys

import pytest

from kit.sockets import send_without_delay

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="lists /proc/self/fd")


def _nodelay(sock: socket.socket) -> bool:
    return bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))


def test_open_and_later_accepted_sockets_send_without_delay():
    # Bound as Streamlit binds its own: protocol number 0, which asyncio does not set TCP_NODELAY on.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        early = socket.create_connection(listener.getsockname())
        accepted_early, _ = listener.accept()
        assert not _nodelay(listener) and not _nodelay(accepted_early)
        assert send_without_delay.__wrapped__() >= 3  # the listener and both ends of the connection
        late = socket.create_connection(listener.getsockname())
        accepted_late, _ = listener.accept()
        assert _nodelay(listener) and _nodelay(accepted_early) and _nodelay(accepted_late)
        for sock in (early, accepted_early, late, accepted_late):
            sock.close()
        assert listener.fileno() >= 0  # its own descriptor is still open: only duplicates were closed


def test_other_sockets_are_left_alone():
    left, right = socket.socketpair()  # AF_UNIX: no TCP options to set
    with left, right:
        send_without_delay.__wrapped__()
        left.sendall(b"x")
        assert right.recv(1) == b"x"
