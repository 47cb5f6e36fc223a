"""The load generator's side: plain HTTP/1.1 over keep-alive sockets, no Django.

Each spawned process runs one asyncio loop with several connections open at once; every
connection sends its requests one after another (the next only after the answer has been read
completely), so the number of requests in flight equals the number of connections. The request
bytes are prepared up front and the answer is parsed only as far as HTTP needs (status line,
Content-Length or chunked body), which keeps the client's share of the two cores small: on the
benchmark machine the clients run beside the server.
"""

import asyncio
import time

PROCESSES = 2
CONNECTIONS_PER_PROCESS = 16


def _request(port: int, path: str, cookie: str, csrf: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        f"Cookie: {cookie}\r\n"
        f"X-CSRFToken: {csrf}\r\n"
        "HX-Request: true\r\n"
        "Content-Length: 0\r\n"
        "\r\n"
    ).encode("latin-1")


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one complete response; returns its status and whether the server keeps the connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, chunked, keep = 0, False, True
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
        elif name == "connection" and value.strip().lower() == "close":
            keep = False
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status, keep


async def _connection(port: int, requests: list[bytes], deadline: float, counts: list[int]) -> None:
    reader = writer = None
    for request in requests:
        if time.monotonic() > deadline:
            break
        try:
            if reader is None or writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            status, keep = await asyncio.wait_for(_read_response(reader), timeout=10)
            counts[0 if status == 200 else 1] += 1
            if not keep:
                writer.close()
                reader = writer = None
        except (TimeoutError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            counts[1] += 1
            if writer is not None:
                writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def _run(port: int, requests: list[bytes], deadline: float, connections: int) -> tuple[int, int]:
    counts = [0, 0]  # ok, failed
    await asyncio.gather(*(_connection(port, requests[i::connections], deadline, counts) for i in range(connections)))
    return counts[0], counts[1]


def ready(_: int) -> None:
    """Called once per process so that the pool has started its processes before the clock starts."""


def worker(args: tuple) -> tuple[int, int]:
    """One client process: `connections` concurrent keep-alive connections; returns (ok, failed)."""
    port, jobs, deadline, (session_cookie, csrf_cookie), connections = args
    requests = [
        _request(port, f"/ideas/{idea_id}/support/", f"{session_cookie}={key}; {csrf_cookie}={csrf}", csrf)
        for key, csrf, idea_id in jobs
    ]
    return asyncio.run(_run(port, requests, deadline, connections))
