"""The soak test's client: a process of its own, without Django, sending GETs at a bounded rate."""

import http.client
import time


def run_client(port: int, mix: list[str], rate: float, deadline: float, results) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    sent, failed = 0, 0
    timings: list[float] = []
    errors: dict[str, int] = {}
    interval = 1 / rate
    next_at = time.monotonic()
    while time.monotonic() < deadline:
        path = mix[sent % len(mix)]
        started = time.monotonic()
        try:
            connection.request("GET", path, headers={"Accept-Language": "de"})
            response = connection.getresponse()
            response.read()
            if response.status >= 400:
                failed += 1
                errors[f"{response.status} {path}"] = errors.get(f"{response.status} {path}", 0) + 1
        except (OSError, http.client.HTTPException) as error:
            failed += 1
            errors[f"{type(error).__name__} {path}"] = errors.get(f"{type(error).__name__} {path}", 0) + 1
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        timings.append((time.monotonic() - started) * 1000)
        sent += 1
        next_at += interval
        time.sleep(max(0.0, next_at - time.monotonic()))
    results.put({"sent": sent, "failed": failed, "timings": timings, "errors": errors})
