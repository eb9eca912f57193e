"""How uvicorn serves the review app against slow and greedy clients: a deadline for a request's headers
(a client that sends half a header and then a byte now and then, "slowloris", is disconnected), a bound
on connections at once (503 past it), a short keep-alive, and TLS when the app listens beyond this
machine. Per-client limits belong to the reverse proxy in front of it (docs/operations.md)."""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol


class HeaderDeadlineH11(H11Protocol):
    """uvicorn's h11 protocol with a deadline, from the connection's start or the previous response's
    end, for the next request's headers: data trickling in does not reset it (uvicorn's keep-alive
    timer is reset by any byte)."""

    header_timeout_s: float = 10.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def _arm(self) -> None:
        self._disarm()
        self._header_deadline: asyncio.TimerHandle | None = self.loop.call_later(
            self.header_timeout_s, self._headers_too_slow
        )

    def _disarm(self) -> None:
        deadline = getattr(self, "_header_deadline", None)
        if deadline is not None:
            deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if self.cycle is None or self.cycle.response_complete:
            self.transport.close()

    def handle_events(self) -> None:
        super().handle_events()
        if self.cycle is not None and not self.cycle.response_complete:
            self._disarm()  # the headers are in: the request's own handling takes its time

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def protocol(header_timeout_s: float) -> type[HeaderDeadlineH11]:
    """The protocol class with this header deadline."""
    return type("HeaderDeadlineH11", (HeaderDeadlineH11,), {"header_timeout_s": header_timeout_s})


def uvicorn_options(
    *,
    header_timeout_s: float,
    max_connections: int,
    certfile: str | None,
    keyfile: str | None,
) -> dict[str, Any]:
    """The uvicorn.Config options of the review app's protection."""
    options: dict[str, Any] = {
        "http": protocol(header_timeout_s),
        "limit_concurrency": max_connections,
        "timeout_keep_alive": 5,
        "h11_max_incomplete_event_size": 16 * 1024,
    }
    if certfile and keyfile:
        options["ssl_certfile"] = certfile
        options["ssl_keyfile"] = keyfile
    return options
