"""Run the guard's per-file checks in worker processes, each file under a time limit.

A file that takes longer than its limit is not waited for: its worker is killed and replaced,
and the file gets the answer `on_timeout` gives (the guard refuses it, naming the limit).  This
holds even for a regular expression stuck inside C code, which no in-process timer can stop.
Workers are forked from the caller, so what it loaded (the text detector's word lists) is shared
rather than loaded again.  Where fork does not exist the jobs run in this process, unlimited.
"""
from __future__ import annotations

import multiprocessing
import os
import time
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Sequence


def _serve(connection: Connection, work: Callable[[Any], Any]) -> None:
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and kills us
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            answer = ("ok", work(job))
        except BaseException as error:  # reported by the parent as a file it could not check
            answer = ("error", error.__class__.__name__)
        try:
            connection.send(answer)
        except (OSError, ValueError):
            return


class _Worker:
    def __init__(self, context, work: Callable[[Any], Any]):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, work), daemon=True)
        self.process.start()
        child.close()
        self.index: int | None = None
        self.deadline = 0.0

    def give(self, index: int, job: Any, limit: float) -> None:
        self.index, self.deadline = index, time.monotonic() + limit
        self.connection.send(job)

    def stop(self, kill: bool = False) -> None:
        try:
            if kill:
                self.process.kill()
            else:
                self.connection.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def run(jobs: Sequence[Any], work: Callable[[Any], Any], *, limit: Callable[[Any], float],
        on_timeout: Callable[[Any, float], Any], on_error: Callable[[Any, str], Any], workers: int = 1,
        on_finished: Callable[[int], None] | None = None) -> list[Any]:
    """work(job) for every job, in order of `jobs`; a job over limit(job) seconds gives
    on_timeout(job, limit) instead, a job whose worker fails gives on_error(job, reason).
    `on_finished(count)` is called with the number of jobs finished so far."""
    if not jobs:
        return []
    finished = on_finished or (lambda count: None)
    if not can_fork():
        results = []
        for job in jobs:
            try:
                results.append(work(job))
            except Exception as error:  # noqa: BLE001 - refused, with the reason named
                results.append(on_error(job, error.__class__.__name__))
            finished(len(results))
        return results
    context = multiprocessing.get_context("fork")
    results: list[Any] = [None] * len(jobs)
    pending = list(range(len(jobs)))
    pending.reverse()
    pool = [_Worker(context, work) for _ in range(max(1, min(workers, len(jobs))))]
    busy: dict[Connection, _Worker] = {}
    count = 0
    try:
        while pending or busy:
            for worker in pool:
                if worker.index is None and pending:
                    index = pending.pop()
                    worker.give(index, jobs[index], limit(jobs[index]))
                    busy[worker.connection] = worker
            timeout = max(0.0, min(w.deadline for w in busy.values()) - time.monotonic())
            ready = wait(list(busy), timeout=timeout)
            for connection in ready:
                worker = busy.pop(connection)
                index, worker.index = worker.index, None
                try:
                    status, value = connection.recv()
                except (EOFError, OSError):  # the worker died (out of memory, a crash in C code)
                    status, value = "error", "the checking process stopped unexpectedly"
                    _replace(pool, worker, context, work)
                results[index] = value if status == "ok" else on_error(jobs[index], value)
                count += 1
                finished(count)
            now = time.monotonic()
            for connection, worker in list(busy.items()):
                if worker.deadline <= now and connection not in ready:
                    busy.pop(connection)
                    index = worker.index
                    results[index] = on_timeout(jobs[index], limit(jobs[index]))
                    _replace(pool, worker, context, work, kill=True)
                    count += 1
                    finished(count)
    finally:
        for worker in pool:
            worker.stop(kill=worker.index is not None)
    return results


def _replace(pool: list[_Worker], worker: _Worker, context, work, kill: bool = True) -> None:
    worker.stop(kill=True)
    pool[pool.index(worker)] = _Worker(context, work)


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))
