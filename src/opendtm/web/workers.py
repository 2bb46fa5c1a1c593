"""The server's processes when ``opendtm serve --workers N`` runs several.

When every worker accepts from one shared socket, the worker that wakes first takes every
connection waiting: 20 keep-alive connections opened at once landed 20, 19 and 1, or 9, 7,
3 and 1 on four workers, and the requests of a worker holding nine queue behind each other
while another idles. Here the first process accepts every connection and deals it to the
worker holding the fewest; the worker serves it with uvicorn's HTTP protocol as if it had
accepted it itself. A worker that dies is started again. A worker gets connections only once
it is ready (its app imported and started, which takes seconds): until one is, connections
wait in the listening socket's queue; the server says on standard error when each worker
is ready.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
import socket
import sys
import time
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

import uvicorn

APP = "opendtm.web.app:from_environment"
_POLL_SECONDS = 0.5  # how often the dealer looks for dead workers when no one connects
_WAIT_READY_SECONDS = 0.02


class _DealtServer(uvicorn.Server):
    """A uvicorn server that listens on no socket of its own: its connections arrive as
    file descriptors on ``channel``; it reports in ``closed[index]`` how many of those it
    was given have closed."""

    def __init__(self, config: uvicorn.Config, channel: socket.socket, closed: Any,
                 ready: Any, index: int) -> None:
        super().__init__(config)
        self._channel, self._closed, self._index = channel, closed, index
        self._ready = ready
        self._pending: set[asyncio.Task[Any]] = set()
        self._received = 0

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=[])
        if self.should_exit:
            return
        config, loop = self.config, asyncio.get_running_loop()

        def protocol() -> asyncio.Protocol:
            made: asyncio.Protocol = config.http_protocol_class(  # type: ignore[call-arg]
                config=config, server_state=self.server_state, app_state=self.lifespan.state)
            return made

        self._channel.setblocking(False)
        loop.add_reader(self._channel.fileno(), self._receive, loop, protocol)
        self._ready[self._index] = 1

    def _receive(self, loop: asyncio.AbstractEventLoop, protocol: Any) -> None:
        try:
            message, fds, _, _ = socket.recv_fds(self._channel, 16, 64)
        except BlockingIOError:
            return
        if not message and not fds:  # the dealer is gone: finish what is open, then stop
            loop.remove_reader(self._channel.fileno())
            self.should_exit = True
            return
        self._received += len(fds)
        for fd in fds:
            conn = socket.socket(fileno=fd)
            conn.setblocking(False)
            task = loop.create_task(loop.connect_accepted_socket(protocol, conn))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    async def on_tick(self, counter: int) -> bool:
        held = len(self.server_state.connections) + len(self._pending)
        self._closed[self._index] = self._received - held
        return await super().on_tick(counter)


def _work(index: int, channel: socket.socket, closed: Any, ready: Any) -> None:
    config = uvicorn.Config(APP, factory=True, log_level="warning", access_log=False,
                            proxy_headers=False)
    _DealtServer(config, channel, closed, ready, index).run()


@dataclass
class _Worker:
    process: BaseProcess
    channel: socket.socket


class Dealer:
    """Accepts connections on ``listener`` and deals each to the worker holding fewest."""

    def __init__(self, listener: socket.socket, workers: int) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._listener = listener
        # Connections dealt to each worker, and (written by the worker) closed since.
        self.dealt = [0] * workers
        self.closed: Any = self._context.Array("q", workers, lock=False)
        # Set by each worker once it serves; what the dealer last said of each.
        self.ready: Any = self._context.Array("b", workers, lock=False)
        self._told = [False] * workers
        self.workers = [self._start(i) for i in range(workers)]
        self._stopping = False

    def _start(self, index: int) -> _Worker:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.dealt[index] = self.closed[index] = self.ready[index] = 0
        self._told[index] = False
        process = self._context.Process(
            target=_work, args=(index, theirs, self.closed, self.ready),
            name=f"opendtm-worker-{index}")
        process.start()
        theirs.close()
        return _Worker(process, ours)

    def _restart_dead(self) -> None:
        for i, worker in enumerate(self.workers):
            if not worker.process.is_alive() and not self._stopping:
                worker.channel.close()
                self.workers[i] = self._start(i)

    def _tell_ready(self) -> list[int]:
        """The workers ready to serve; says on standard error which became ready."""
        ready = [i for i in range(len(self.workers)) if self.ready[i]]
        for i in ready:
            if not self._told[i]:
                self._told[i] = True
                print(f"opendtm serve: worker {i + 1} of {len(self.workers)} ready "
                      f"(process {self.workers[i].process.pid})", file=sys.stderr, flush=True)
        return ready

    def deal(self, conn: socket.socket) -> None:
        """Hand ``conn`` to the ready worker holding the fewest connections (waiting for
        one to be ready, if none is)."""
        try:
            for _ in range(2):
                while not (ready := self._tell_ready()) and not self._stopping:
                    time.sleep(_WAIT_READY_SECONDS)
                    self._restart_dead()
                if self._stopping:
                    return
                index = min(ready, key=self.held)
                try:
                    socket.send_fds(self.workers[index].channel, [b"c"], [conn.fileno()])
                except OSError:  # that worker has just died: start it again, deal again
                    self._restart_dead()
                    continue
                self.dealt[index] += 1
                return
        finally:
            conn.close()

    def held(self, index: int) -> int:
        """Connections worker ``index`` holds (or will, once it takes those in flight)."""
        held: int = self.dealt[index] - self.closed[index]
        return held

    def stop(self, *_: Any) -> None:
        self._stopping = True

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        self._listener.settimeout(_POLL_SECONDS)
        try:
            while not self._stopping:
                try:
                    conn, _ = self._listener.accept()
                except (TimeoutError, InterruptedError):
                    self._restart_dead()
                    self._tell_ready()
                    continue
                except OSError:  # reset before it was taken, or no file descriptor left
                    time.sleep(0.05)
                    continue
                self.deal(conn)
        finally:
            self._listener.close()
            for worker in self.workers:
                worker.channel.close()  # each worker finishes its open requests and stops
            for worker in self.workers:
                worker.process.join(30)
                if worker.process.is_alive():
                    worker.process.kill()


def serve(host: str, port: int, workers: int) -> None:
    """Listen on ``host:port`` and serve with ``workers`` processes until stopped."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, port), family=family, backlog=2048)
    Dealer(listener, workers).run()
