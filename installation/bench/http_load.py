"""Supports per second over real HTTP: gunicorn on 127.0.0.1, load from separate processes.

Each request is a logged-in person supporting one idea (POST with session cookie and CSRF token,
as the page's button does). Every (person, idea) pair is used once, so every successful request
must add exactly one support: afterwards the database must hold exactly as many new supports
as there were successful requests. The run is bounded in time and in requests.

The server is started the way the README's production section runs it (gunicorn, gthread
workers, keep-alive), with the application loaded before the workers fork and one request
per worker thread answered before the clock starts, so the number is the steady state and
not Django's start-up.
"""

import http.client
import multiprocessing
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.utils.crypto import get_random_string

from accounts.models import Role, User
from ideas.models import Idea, Support
from installation.bench.load_client import CONNECTIONS_PER_PROCESS, PROCESSES, ready, worker

WORKERS = 2
THREADS = 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
        connection.close()
        return response.status == 200
    except OSError:
        return False


def _wait_for(port: int, server: subprocess.Popen, warm: int, timeout: float = 60) -> None:
    """Until the server answers; then `warm` concurrent requests so each worker thread has its connection."""
    deadline = time.monotonic() + timeout
    while not _healthy(port):
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("gunicorn did not start")
        time.sleep(0.2)
    with ThreadPoolExecutor(warm) as pool:
        list(pool.map(lambda _: _healthy(port), range(warm * 4)))


def _prepare(people: int) -> tuple[list[tuple[str, str]], list[int], list[int]]:
    """Fresh people with sessions; returns (session key, csrf) pairs, their ids and idea ids."""
    stamp = get_random_string(6).lower()
    password = make_password(None)
    User.objects.bulk_create(
        [
            User(email=f"load{stamp}{i}@bench.example", full_name=f"Last {i}", role=Role.CITIZEN, password=password)
            for i in range(people)
        ]
    )
    users = list(User.objects.filter(email__startswith=f"load{stamp}").order_by("pk"))
    sessions = []
    for user in users:
        store = import_module(settings.SESSION_ENGINE).SessionStore()  # as the server reads them
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append((store.session_key, get_random_string(32)))
    ideas = list(
        Idea.objects.public().exclude(status=Idea.Status.MERGED).order_by("?").values_list("pk", flat=True)[:500]
    )
    return sessions, [u.pk for u in users], ideas


def supports_per_second(
    *,
    seconds: float = 10,
    people: int = 200,
    workers: int = WORKERS,
    threads: int = THREADS,
    processes: int = PROCESSES,
    connections: int = CONNECTIONS_PER_PROCESS,
) -> dict:
    sessions, user_ids, ideas = _prepare(people)
    # Every (person, idea) pair once: each successful request must add exactly one support.
    jobs = [(key, csrf, idea) for idea in ideas for key, csrf in sessions]
    port = _free_port()
    env = {**os.environ, "DEBUG": "0", "LOG_LEVEL": "WARNING", "ETAPPE_EMBEDDINGS": "off"}
    root = Path(settings.BASE_DIR)
    server = subprocess.Popen(  # noqa: S603 - fixed command line, our own server
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--preload",
            "--log-level",
            "warning",
        ],
        cwd=root,
        env=env,
    )
    try:
        _wait_for(port, server, warm=workers * threads)
        cookies = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            # The clients start before the clock does; each gets its share of the pairs.
            pool.map(ready, range(processes))
            started = time.monotonic()
            deadline = started + seconds
            chunks = [(port, jobs[i::processes], deadline, cookies, connections) for i in range(processes)]
            outcomes = pool.map(worker, chunks)
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    ok = sum(o for o, _ in outcomes)
    failed = sum(f for _, f in outcomes)
    stored = Support.objects.filter(user_id__in=user_ids).count()
    return {
        "requests_ok": ok,
        "requests_failed": failed,
        "seconds": round(elapsed, 2),
        "supports_per_second": round(ok / elapsed, 1) if elapsed else 0.0,
        "supports_stored": stored,
        "each_counted_once": stored == ok,
        "clients": f"{processes} processes × {connections} keep-alive connections (asyncio)",
        "server": f"gunicorn, {workers} workers × {threads} threads",
    }
