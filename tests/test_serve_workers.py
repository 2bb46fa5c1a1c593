"""``opendtm serve --workers N``: the first process deals the connections evenly to the
workers that are ready, starts again a worker that dies, and stops them all when it is
stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from opendtm.store import schema
from opendtm.store.database import make_engine

pytestmark = pytest.mark.skipif(not Path("/proc/net/tcp").exists(),
                                reason="reads the connections' owners from /proc")
WORKERS = 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _get(conn: socket.socket) -> int:
    """Send ``GET /sign-in`` on a kept-alive connection; the status of the answer."""
    conn.sendall(b"GET /sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    while len(body) < length:
        body += conn.recv(65536)
    return int(head.split()[1])


def _children(pid: int) -> list[int]:
    """The worker processes of the server ``pid`` (not multiprocessing's resource
    tracker)."""
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    workers = []
    for child in map(int, text.split()):
        try:
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                workers.append(child)
        except OSError:
            continue
    return workers


def _owners(port: int, clients: list[socket.socket], workers: list[int]) -> Counter[int]:
    """How many of ``clients``' connections each worker process holds."""
    wanted = {c.getsockname()[1] for c in clients}
    inodes: dict[str, int] = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = (int(f.split(":")[1], 16) for f in fields[1:3])
        if local == port and remote in wanted:
            inodes[fields[9]] = remote
    held: Counter[int] = Counter()
    for pid in workers:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                held[pid] += 1
    return held


def _wait(condition: object, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
            return _get(conn) == 200
    except OSError:
        return False


def _ready(log: Path) -> list[str]:
    """The lines in which the server said a worker was ready."""
    return [line for line in log.read_text().splitlines() if line.endswith(")")
            and " ready (process " in line]


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    url = f"sqlite:///{tmp_path / 'opendtm.db'}"
    engine = make_engine(url)
    schema.upgrade(engine)
    engine.dispose()
    port = _free_port()
    opendtm = Path(sys.executable).parent / "opendtm"
    log = tmp_path / "serve.log"
    with log.open("wb") as err:
        process = subprocess.Popen(
            [str(opendtm), "--db", url, "serve", "--port", str(port), "--workers",
             str(WORKERS), "--no-secure-cookies"], stdout=subprocess.DEVNULL, stderr=err)
    try:
        _wait(lambda: _answers(port))
        _wait(lambda: len(_ready(log)) == WORKERS)
        assert len(_children(process.pid)) == WORKERS
        yield process, port, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def test_connections_are_dealt_evenly_and_a_dead_worker_is_replaced(
        server: tuple[subprocess.Popen[bytes], int, Path]) -> None:
    process, port, log = server
    workers = _children(process.pid)
    # Opened at once, as a load client or a browser opens its connections.
    clients = [socket.create_connection(("127.0.0.1", port), timeout=10)
               for _ in range(2 * WORKERS)]
    try:
        assert [_get(c) for c in clients] == [200] * len(clients)
        held = _owners(port, clients, workers)
        assert sorted(held.values()) == [2] * WORKERS, held
        # The requests keep going to the same worker on a kept-alive connection.
        assert [_get(c) for c in clients] == [200] * len(clients)
        assert _owners(port, clients, workers) == held
    finally:
        for c in clients:
            c.close()

    os.kill(workers[0], signal.SIGKILL)
    # Once the server has started another in its place (the dead one gone whole: a killed
    # process's threads close its sockets last), connections opened while the new worker
    # starts go to the workers that are ready.
    _wait(lambda: len(set(_children(process.pid)) - set(workers)) == 1)
    clients = [socket.create_connection(("127.0.0.1", port), timeout=10)
               for _ in range(2 * WORKERS)]
    try:
        assert [_get(c) for c in clients] == [200] * len(clients)
        started = set(_children(process.pid)) - set(workers)
        assert len(started) == 1
        if len(_ready(log)) == WORKERS:  # not ready yet when they were dealt: none for it
            held = _owners(port, clients, [*workers[1:], *started])
            assert set(held) == set(workers[1:]) and sum(held.values()) == len(clients), held
    finally:
        for c in clients:
            c.close()
    _wait(lambda: len(_ready(log)) == WORKERS + 1)
    assert f"(process {started.pop()})" in _ready(log)[-1]
    assert all(_answers(port) for _ in range(2 * WORKERS))


def test_stopping_the_server_stops_every_worker(
        server: tuple[subprocess.Popen[bytes], int, Path]) -> None:
    process, port, _ = server
    workers = _children(process.pid)
    process.send_signal(signal.SIGTERM)
    assert process.wait(60) == 0
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or \
            "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
    assert not _answers(port)
