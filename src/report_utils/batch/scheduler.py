"""The address of a Dask scheduler a build is given (``--scheduler``): parsed and checked before
anything is planned, and reached within a bound whatever answers there.

``distributed`` bounds the TCP connect by its timeout but then waits for the scheduler's handshake
without one (``distributed.comm.core.connect`` reads it with no deadline): a port where a plain
HTTP server or any silent program listens held a build for ever. ``reach`` therefore opens one
connection and reads the handshake under a deadline of its own before the client is made; the
client's own later steps (scheduler info, registration) are bounded by its ``timeout``.
Hand-written parsing (with ``urllib.parse`` and ``ipaddress``): ``distributed`` accepts nearly any
text as a host name and only fails after its whole connect timeout, on name resolution.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from report_utils.errors import ReportError

CONNECT_SECONDS = 30.0  # connect and first handshake, together
SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")  # distributed's network transports
DEFAULT_SCHEME = "tcp"  # distributed's, for an address without one
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")  # RFC 1123 host name label


def parse(address: str) -> str:
    """``address`` as ``scheme://host[:port]`` (``tcp://`` when it names none), or a
    ``ReportError`` that says what is wrong with it."""
    text = address.strip()
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = DEFAULT_SCHEME, text
    scheme = scheme.lower()
    if scheme not in SCHEMES:
        raise _bad(address, f"{scheme}:// is not a Dask transport; use {' or '.join(SCHEMES[:2])}")
    try:
        parts = urlsplit("//" + rest)
        port = parts.port
    except ValueError:  # a port that is no number, or out of range
        raise _bad(address, "its port is not a whole number from 1 to 65535") from None
    if parts.path or parts.query or parts.fragment or "@" in parts.netloc:
        raise _bad(address, "a scheduler address is a host and a port, nothing more")
    host = parts.hostname or ""
    if not _is_host(host):
        raise _bad(address, f"{host!r} is not a host name or IP address" if host else "no host")
    if port == 0:
        raise _bad(address, "its port is not a whole number from 1 to 65535")
    return f"{scheme}://{rest}"


def _is_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    labels = host.rstrip(".").split(".")
    return len(host) <= 253 and all(_LABEL.fullmatch(label) for label in labels)


def _bad(address: str, why: str) -> ReportError:
    return ReportError(
        f"the scheduler address {address!r} is not one ({why}); expected tcp://HOST:PORT"
    )


def reach(address: str, seconds: float = CONNECT_SECONDS) -> None:
    """Connect to ``address``, read a Dask handshake and ask who answers, all within
    ``seconds``; a ``ReportError`` naming the address when nothing answers, or something that
    is not a Dask scheduler (a Dask worker's port fails the client with a TypeError)."""
    import asyncio
    import concurrent.futures

    from distributed.comm import CommClosedError, connect

    async def identity() -> object:
        comm = await connect(address, timeout=seconds)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            await comm.close()

    def probe() -> object:
        return asyncio.run(asyncio.wait_for(identity(), seconds))

    try:
        # In a thread of its own: the caller may already run an event loop (a notebook, or a
        # process that holds a distributed Client), where asyncio.run() is refused.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            answer = pool.submit(probe).result()
    except CommClosedError as exc:  # it accepted, then hung up (what a web server does)
        raise ReportError(
            f"what answers at {address} is not a Dask scheduler (it closed the connection: "
            f"{' '.join(str(exc).split())})"
        ) from None
    except (TimeoutError, OSError):  # distributed's own connect timeout is an OSError
        raise ReportError(
            f"no Dask scheduler answered at {address} within {seconds:g} s (nothing listens "
            "there, or something that is not a Dask scheduler)"
        ) from None
    except Exception as exc:  # whatever a program that is not Dask sends makes the comm fail
        raise ReportError(
            f"what answers at {address} is not a Dask scheduler "
            f"({type(exc).__name__}: {' '.join(str(exc).split())})"
        ) from None
    kind = answer.get("type") if isinstance(answer, dict) else None
    if kind != "Scheduler":
        what = f"a Dask {kind}" if isinstance(kind, str) else "something else"
        raise ReportError(f"what answers at {address} is {what}, not a Dask scheduler")
