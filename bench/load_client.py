"""The load generator's side: plain HTTP clients, no Django, so spawned processes start fast."""

import http.client
import threading
import time

PROCESSES = 4
THREADS_PER_PROCESS = 8


def worker(args: tuple) -> tuple[int, int]:
    port, jobs, deadline, (session_cookie, csrf_cookie) = args

    ok = failed = 0
    lock = threading.Lock()

    def run(slice_jobs: list) -> None:
        nonlocal ok, failed
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for session_key, csrf, idea_id in slice_jobs:
            if time.monotonic() > deadline:
                break
            headers = {
                "Cookie": f"{session_cookie}={session_key}; {csrf_cookie}={csrf}",
                "X-CSRFToken": csrf,
                "HX-Request": "true",
                "Content-Length": "0",
            }
            try:
                connection.request("POST", f"/ideas/{idea_id}/support/", headers=headers)
                response = connection.getresponse()
                response.read()
                good = response.status == 200
            except (OSError, http.client.HTTPException):
                good = False
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            with lock:
                ok, failed = (ok + 1, failed) if good else (ok, failed + 1)

    threads = [threading.Thread(target=run, args=(jobs[i::THREADS_PER_PROCESS],)) for i in range(THREADS_PER_PROCESS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return ok, failed
