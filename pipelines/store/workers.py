"""Extraction in worker processes that can be stopped: a time and memory budget per plan.

A plan is pure input, so one bad plan must cost at most its own budget, never the run. Each worker
is a spawned process that loads the reference data once (before any budget starts), then takes one
plan at a time. The parent hands out plans, waits on the workers' pipes with a deadline per plan,
and when a plan overruns its time budget it kills that worker (SIGKILL: a regex stuck in C code
ignores anything gentler), records the plan as `too_slow` and starts a fresh worker; the other
plans go on. Memory is capped inside the worker with RLIMIT_AS: the cap is the worker's own
address space after loading the references plus the per-plan allowance, so the setting means
"what one plan may use", whatever the libraries reserve. A plan that exceeds it raises MemoryError
in the worker (quarantined `too_large_in_memory`); a worker that dies another way (killed by the
kernel, a crash in a C library) is quarantined `worker_died`.

Results come back in input order whatever the number of workers, so outputs are identical at any
worker count. Settings: KHCN_PLAN_TIMEOUT_S (default 120 s; 0 turns the budget off and, with one
worker, extracts in-process) and KHCN_PLAN_MEMORY_MB (default 2048 MB per plan; 0: no cap).
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

DEFAULT_TIMEOUT_S = 120.0
DEFAULT_MEMORY_MB = 2048
STARTUP_TIMEOUT_S = 300.0  # loading the gazetteer and catalogs; generous, it is not a plan's budget


@dataclass(frozen=True)
class Budget:
    """Per-plan limits: seconds of wall time and megabytes of address space (0 or less: none)."""

    seconds: float = DEFAULT_TIMEOUT_S
    memory_mb: int = DEFAULT_MEMORY_MB

    @classmethod
    def from_env(cls) -> Budget:
        return cls(
            _env_number("KHCN_PLAN_TIMEOUT_S", DEFAULT_TIMEOUT_S),
            int(_env_number("KHCN_PLAN_MEMORY_MB", DEFAULT_MEMORY_MB)),
        )

    @property
    def timed(self) -> bool:
        return self.seconds > 0

    @property
    def label(self) -> str:
        """ "seconds:MB", stored with a result the budget stopped (raising the budget retries it)."""
        return f"{self.seconds:g}:{self.memory_mb}"


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError as exc:
        raise ValueError(
            f"{name} must be a number of {'seconds' if 'TIMEOUT' in name else 'MB'}: {raw!r}"
        ) from exc


def address_space_bytes() -> int | None:
    """This process's virtual memory size (Linux /proc), or None where it cannot be read."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            pages = int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def cap_memory(allowance_mb: int) -> None:
    """Limit this process's address space to what it uses now plus `allowance_mb`."""
    used = address_space_bytes()
    if allowance_mb <= 0 or used is None:
        return
    limit = used + allowance_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _die_with_parent() -> None:
    """Linux: have the kernel kill this worker if the run that started it is killed (no orphan
    keeps reading a plan after a SIGKILL of the run). Elsewhere the worker ends at its next
    message, when the pipe to the dead parent fails."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _serve(conn: Connection, work: Callable[[Any], Any], warm_up: Callable[[], None], memory_mb: int) -> None:
    """Worker loop: warm up, cap memory, then answer (index, item) with (index, result) until None."""
    _die_with_parent()
    warm_up()
    cap_memory(memory_mb)
    conn.send("ready")
    while True:
        message = conn.recv()
        if message is None:
            return
        index, item = message
        conn.send((index, work(item)))


class _Worker:
    """One worker process and its end of the pipe, with the plan it is working on."""

    def __init__(self, context: Any, work: Callable, warm_up: Callable, memory_mb: int) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, work, warm_up, memory_mb), daemon=True)
        self.process.start()
        child.close()
        self.task: int | None = None
        self.deadline = time.monotonic() + STARTUP_TIMEOUT_S
        self.ready = False

    def send(self, index: int, item: Any, seconds: float) -> None:
        self.conn.send((index, item))
        self.task = index
        self.deadline = time.monotonic() + seconds if seconds > 0 else float("inf")

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                self.process.kill()
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def run_budgeted(
    items: list[Any],
    work: Callable[[Any], Any],
    warm_up: Callable[[], None],
    failed: Callable[[Any, str, str], Any],
    workers: int = 1,
    budget: Budget | None = None,
) -> Iterator[Any]:
    """`work(item)` for every item, in order, each in a worker process within `budget`.

    `work` and `warm_up` must be module-level functions (the workers are spawned). For an item
    whose worker was stopped, `failed(item, code, message)` gives its result instead
    (code `too_slow` or `worker_died`). Workers left over at the end (or on an exception in the
    caller) are stopped; none outlives the call.
    """
    if not items:
        return
    budget = budget or Budget.from_env()
    context = multiprocessing.get_context("spawn")
    pool: list[_Worker] = []
    results: dict[int, Any] = {}
    pending = list(range(len(items)))[::-1]
    emitted = 0

    def new_worker() -> _Worker:
        return _Worker(context, work, warm_up, budget.memory_mb)

    try:
        for _ in range(max(1, min(workers, len(items)))):
            pool.append(new_worker())
        while emitted < len(items):
            _dispatch(pool, pending, items, budget, new_worker)
            _collect(pool, results, items, failed, budget, new_worker)
            while emitted in results:
                yield results.pop(emitted)
                emitted += 1
    finally:
        for worker in pool:
            worker.stop(kill=worker.task is not None or not worker.ready)


def _dispatch(
    pool: list[_Worker],
    pending: list[int],
    items: list[Any],
    budget: Budget,
    new_worker: Callable[[], _Worker],
) -> None:
    """Give each idle worker the next item; an idle worker that died meanwhile is replaced."""
    for slot, worker in enumerate(pool):
        if worker.ready and worker.task is None and pending:
            index = pending.pop()
            try:
                worker.send(index, items[index], budget.seconds)
            except OSError:  # it died between two plans (killed from outside): nothing to blame on a plan
                pending.append(index)
                worker.task = None
                worker.stop(kill=True)
                pool[slot] = new_worker()


def _collect(
    pool: list[_Worker],
    results: dict[int, Any],
    items: list[Any],
    failed: Callable[[Any, str, str], Any],
    budget: Budget,
    new_worker: Callable[[], _Worker],
) -> None:
    """Wait for the next answer or deadline; replace workers that overran or died."""
    busy = [w for w in pool if w.task is not None or not w.ready]
    if not busy:
        return
    timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
    ready = wait([w.conn for w in busy], timeout=min(timeout, 3600.0))
    for slot, worker in enumerate(pool):
        if worker not in busy:
            continue
        if worker.conn in ready:
            try:
                message = worker.conn.recv()
            except (EOFError, OSError):
                message = _died
            if message == "ready":
                worker.ready = True
                continue
            if message is not _died:
                index, result = message
                results[index] = result
                worker.task = None
                continue
        elif time.monotonic() < worker.deadline:
            continue
        else:
            message = _slow
        pool[slot] = _replace(worker, message, results, items, failed, budget, new_worker)


_died = object()
_slow = object()


def _replace(
    worker: _Worker,
    why: object,
    results: dict[int, Any],
    items: list[Any],
    failed: Callable[[Any, str, str], Any],
    budget: Budget,
    new_worker: Callable[[], _Worker],
) -> _Worker:
    """Stop a worker that overran its budget or died, record its plan as failed, start another."""
    index = worker.task
    worker.stop(kill=True)
    code = worker.process.exitcode
    if index is None:  # died or hung while starting: nothing to blame on a plan
        raise RuntimeError(f"an extraction worker failed to start (exit code {code})")
    if why is _slow:
        message = (
            f"extraction stopped after its time budget of {budget.seconds:g} s (KHCN_PLAN_TIMEOUT_S); "
            "the plan is unusually large or laid out in a way that is slow to read (e.g. the whole "
            "text on one line): check the file, or raise the budget"
        )
        results[index] = failed(items[index], "too_slow", message)
    else:
        message = (
            f"the extraction worker died while reading this plan (exit code {code}): probably out of "
            f"memory (budget {budget.memory_mb} MB per plan, KHCN_PLAN_MEMORY_MB) or a crash in a "
            "reader library; check the file"
        )
        results[index] = failed(items[index], "worker_died", message)
    return new_worker()
