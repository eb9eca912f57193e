"""The review app under slow and greedy clients, served by the real uvicorn with the app's own options
(web/serving.py): half-sent headers are cut off at the deadline however slowly they trickle, other
clients are served meanwhile, and connections past the limit get 503 (issue 21)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from models.settings import Settings
from tests.support.web import free_port
from web.app import server_config


@pytest.fixture
def served(web_settings: Settings) -> Iterator[tuple[int, Settings]]:
    settings = web_settings.model_copy(update={"review_header_timeout_s": 1.0, "review_max_connections": 4})
    port = free_port()
    server = uvicorn.Server(server_config(settings, "127.0.0.1", port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "the review app did not start"
        time.sleep(0.05)
    try:
        yield port, settings
    finally:
        server.should_exit = True
        thread.join(10)


def _get(port: int, path: str = "/static/style.css") -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
        head = s.recv(64).decode("latin-1")
    return int(head.split()[1])


def test_a_client_trickling_its_headers_is_cut_off_and_others_are_served(
    served: tuple[int, Settings],
) -> None:
    port, _ = served
    slow = socket.create_connection(("127.0.0.1", port), timeout=5)
    slow.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    started = time.monotonic()
    closed = False
    while time.monotonic() - started < 6:
        try:
            slow.sendall(b"X-a: b\r\n")  # a byte now and then resets no deadline
        except OSError:
            closed = True
            break
        slow.settimeout(0.3)
        try:
            if slow.recv(1) == b"":
                closed = True
                break
        except TimeoutError:
            pass
        assert _get(port) == 200, "another client is served meanwhile"
    slow.close()
    assert closed, "the slow client was never disconnected"
    assert time.monotonic() - started < 4


def test_connections_past_the_limit_get_503(served: tuple[int, Settings]) -> None:
    port, settings = served
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(settings.review_max_connections)]
    try:
        time.sleep(0.2)
        assert _get(port) == 503
    finally:
        for s in idle:
            s.close()
    time.sleep(0.3)
    assert _get(port) == 200
