"""Per-paper stages on every core, and a one-shot build in a process of its own.

A paper's topics, search terms and page depend on it alone. Workers start from a fork server
(a small process that has imported the generator and read nothing), receive the function once
and the items a task at a time, pickled; results come back in order, so the output is the same
whatever the number of workers. A one-shot build uses them; a long-lived `mkdocs serve` does
not, since it keeps per-text memos in its own process that workers would fill in vain. Where
there is no fork server (Windows), with one worker, or for few items, the same function runs in
this process.

A one-shot `mkdocs build` runs the generator in a forked process (in_child): what the generator
held is given back to the system when that process ends, instead of staying in MkDocs' process
while it builds the pages, so the build's peak is the larger of the two, not their sum. Work
that can go on beside this process's runs in another one (Later): related papers, in a one-shot
build, in a fresh process from the fork server, sent the papers' terms; in mkdocs serve, the
search index, in a fork that shares the terms instead of being sent them. Work over arrays this
process holds may be cut into shares for forks of it to do at once (in_shares): related papers,
when they are worked out on their own. Files may be written by a fork while this process makes
the next ones (Writer): MkDocs' generated pages. Fork is used on Linux only (Python's
documentation calls it unsafe on macOS, and Windows has none).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import multiprocessing.forkserver
import os
import sys
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 1000  # fewer items are a fraction of a second of work: not worth starting workers for
CHUNK = 250  # items per task: small enough to keep every worker busy to the end
AHEAD = 2  # tasks per worker sent ahead: results waiting for the reader stay few


def available() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def can_fork() -> bool:
    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()


def can_serve() -> bool:
    """Whether workers can be started from a fork server: a small process forked before the
    build had read anything, so they share none of this one's memory."""
    return "forkserver" in multiprocessing.get_all_start_methods()


def _server() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    # The server imports the generator once; each worker is a fork of it, not a new interpreter.
    context.set_forkserver_preload([f"{__package__}.build"])
    return context


def start_server() -> None:
    """Start the fork server now, if there is one: it imports the generator (a third of a
    second) on another core while this process reads the listings, instead of when the first
    workers are wanted."""
    if can_serve():
        _server()
        multiprocessing.forkserver.ensure_running()


def ordered_map(fn: Callable[[T], R], items: Sequence[T], workers: int) -> Iterator[R]:
    """fn(item) for each item, in order, computed by up to `workers` processes. Results are
    handed on as they are read, a few tasks ahead, never all held at once.

    fn and the items must pickle (fn a module's function, or functools.partial of one): the
    workers start from a fork server and receive fn once and the items a task at a time. A
    worker forked from this process instead would share its memory, and every object it read
    (a reference count written) would copy a page: at 100,000 papers each worker copied more
    than 300 MB of papers it only read."""
    if workers < 2 or len(items) < MIN_ITEMS or not can_serve():
        yield from map(fn, items)
        return
    with ProcessPoolExecutor(workers, mp_context=_server(), initializer=_receive, initargs=(fn,)) as pool:
        pending: deque = deque()
        for start in range(0, len(items), CHUNK):
            pending.append(pool.submit(_run, items[start : start + CHUNK]))
            if len(pending) >= AHEAD * workers:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def in_shares(fn: Callable[[Sequence[T]], R], items: Sequence[T], workers: int) -> list[R]:
    """fn over consecutive shares of the items, one share per worker, results in order: the
    first share in this process, the others at the same time in forks of it, which read what
    this process holds instead of being sent it (so fn may be a closure over large arrays).
    Only what fn returns is sent back. Without fork, or with one worker, [fn(items)]."""
    shares = min(workers, len(items)) if can_fork() else 1
    if shares < 2:
        return [fn(items)]
    bounds = [len(items) * s // shares for s in range(shares + 1)]
    with contextlib.ExitStack() as stack:
        others = [stack.enter_context(Later(fn, items[a:b])) for a, b in zip(bounds[1:-1], bounds[2:], strict=True)]
        return [fn(items[: bounds[1]]), *(later.result() for later in others)]


def remembered(fn: Callable[[T], R], items: Sequence[T], seen: dict, key: Callable = lambda item: item) -> list[R]:
    """fn(item) for each item, in this process, taken from `seen` where the last call had an
    item with the same key; `seen` then holds this call's only. What a long-lived process does
    instead of ordered_map: it passes the same dict to every call."""
    found, now = [], {}
    for item in items:
        k = key(item)
        result = seen.get(k)
        if result is None:
            result = fn(item)
        now[k] = result
        found.append(result)
    seen.clear()
    seen.update(now)
    return found


@contextlib.contextmanager
def _shared_heap() -> Iterator[None]:
    """While forked processes share this one's memory, its garbage collector leaves the objects
    they share alone: a full collection writes into every object it walks, and each page it
    writes becomes a copy of its own in both processes (at 100,000 papers, 240 MB each). The
    objects made meanwhile are collected as usual. Within another, it does nothing."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


# Python looks for garbage cycles after every 700 containers made, and every tenth look walks
# the older ones too. A build makes millions of containers that live to its end (papers, their
# texts, pages on their way to disk), and walking them again and again took 4.9 s of a 43 s
# generator run at 100,000 papers (1.2 s with this). The few cycles a build makes (template
# contexts) are freed a little later.
YOUNG_OBJECTS = 20_000


def _collect_less() -> tuple[int, ...]:
    """Look for garbage cycles after YOUNG_OBJECTS new containers; returns the thresholds before.
    Collection turned off (a threshold of 0) stays off."""
    before = gc.get_threshold()
    if 0 < before[0] < YOUNG_OBJECTS:
        gc.set_threshold(YOUNG_OBJECTS, *before[1:])
    return before


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """_collect_less() while a build runs; the process's own thresholds after it (mkdocs serve
    goes on in the same process)."""
    before = _collect_less()
    try:
        yield
    finally:
        gc.set_threshold(*before)


_job: Callable | None = None  # in a worker process: the function it was started for


def _receive(fn: Callable) -> None:
    global _job
    _job = fn
    _collect_less()  # a worker's process is the build's own


def _run(items: Sequence) -> list:
    return [_job(item) for item in items]


def in_child(fn: Callable[..., R], *args) -> R:
    """fn(*args), computed in a forked process and sent back; its exceptions are raised here."""
    with Later(fn, *args) as later:
        return later.result()


class Later:
    """fn(*args), computed in a forked process while this one goes on with other work; result()
    waits for it and returns it (or raises its exception). With `stream`, fn returns an iterable
    and items() yields its items as the child sends them, one at a time, so neither process
    holds them all. With `fresh`, the process is a fork of the fork server instead, which shares
    nothing with this one: fn and args are pickled to it (for work that reads much of what it
    is given, where a fork of this process would copy every page it reads). Without fork (or a
    fork server), or when not `wanted`, the work is done here when asked for. Leaving the `with`
    block ends a child whose answer was not taken. `kept_here`: ends of other pipes this process
    keeps, which a fork closes as it does this end of its own (see _answer). Other keywords go to
    the child's Process.
    """

    def __init__(
        self,
        fn: Callable[..., R],
        *args,
        wanted: bool = True,
        stream: bool = False,
        fresh: bool = False,
        kept_here: tuple = (),
        **process,
    ):
        self._call: tuple | None = (fn, args)
        self._child = self._receive = None
        self._heap = contextlib.ExitStack()
        if wanted and (can_serve() if fresh else can_fork()):
            if not fresh:
                self._heap.enter_context(_shared_heap())
            context = _server() if fresh else multiprocessing.get_context("fork")
            self._receive, send = context.Pipe(duplex=False)
            # A fork holds this process's ends of the pipes too; a fork server's child does not.
            inherited = () if fresh else (self._receive, *kept_here)
            self._child = context.Process(target=_answer, args=(send, inherited, fn, args, stream), **process)
            self._child.start()
            send.close()
            self._call = None  # the child has them: what only they held can go

    def result(self) -> R:
        if self._child is None:
            fn, args = self._take()
            return fn(*args)
        kind, value = self._next()
        self._finish()
        if kind == _FAILED:
            raise value
        return value

    def items(self) -> Iterator:
        if self._child is None:
            fn, args = self._take()
            yield from fn(*args)
            return
        while (message := self._next())[0] == _ITEM:
            yield message[1]
        self._finish()
        if message[0] == _FAILED:
            raise message[1]

    def _take(self) -> tuple:
        # Done here, the work holds its arguments while it runs and not after.
        call, self._call = self._call, None
        return call

    def _next(self) -> tuple[str, object]:
        try:
            return self._receive.recv()
        except EOFError:
            child = self._child
            self._finish()
            raise RuntimeError(
                f"a process of the build ended without an answer (exit status {child.exitcode})"
            ) from None

    def _finish(self) -> None:
        self._receive.close()
        self._child.join()
        self._child = None
        self._heap.close()

    def __enter__(self) -> Later:
        return self

    def __exit__(self, *exc) -> None:
        if self._child is not None:  # not asked for, or not to the end: the work is not needed
            self._child.kill()
            self._child.join()
            self._receive.close()
        self._heap.close()


class Writer:
    """Files written by a forked process while this one goes on: for files that are slow to
    create (see _PageWriter in mkdocs_hooks.py), whose cost then runs on another core than the
    work that makes them. A few files wait in the pipe between them at most: write() waits when
    they do, so memory does not grow with what is written. close() waits for the last file; the
    first that could not be written raises OSError there (the process goes on taking files, so
    this one never hangs on a full pipe). Leaving the `with` block without close() ends the
    process. `write(content, path)` writes one file in the forked process (MkDocs'
    utils.write_file, for its pages)."""

    def __init__(self, write: Callable[[bytes, str], None]) -> None:
        if not can_fork():
            raise RuntimeError("parallel.Writer needs fork: without it, write the files where they are made")
        receive, self._send = multiprocessing.get_context("fork").Pipe(duplex=False)
        # A daemon: should this process end without closing it (an interrupted build), Python
        # would otherwise wait at exit for it, and it for files that will not come.
        self._later = Later(_write_files, write, receive, kept_here=(self._send,), daemon=True)
        receive.close()

    def write(self, path: str, data: bytes) -> None:
        try:
            self._send.send((path, data))
        except OSError as e:  # a broken pipe: the process is gone (killed, out of memory)
            raise OSError(f"the process writing files ended early ({e})") from None

    def close(self) -> None:
        try:
            self._send.send(None)
            self._send.close()
            error = self._later.result()
        except (OSError, RuntimeError) as e:  # RuntimeError: it ended without an answer
            raise OSError(f"the process writing files ended early ({e})") from None
        if error is not None:
            raise OSError(error)

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc) -> None:
        self._send.close()
        self._later.__exit__(*exc)


def _write_files(write: Callable[[bytes, str], None], receive) -> str | None:
    """In a Writer's process: (path, bytes) until None, each given to write(); what went wrong
    with the first that failed, if one did."""
    error = None
    while (item := receive.recv()) is not None:
        if error is None:
            path, data = item
            try:
                write(data, path)
            except OSError as e:
                error = f"cannot write {path}: {e.strerror or e}"
    return error


def give_back_memory() -> None:
    """Return freed memory to the system now. Objects larger than Python's own small-object
    pools are freed into the C library's heap, which keeps their pages until it is asked."""
    if sys.platform != "linux":
        return
    # Not glibc (no malloc_trim): that allocator gives memory back its own way.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


_ITEM, _DONE, _FAILED = "item", "done", "failed"  # what a child's messages hold


def _answer(send, inherited: tuple, fn: Callable, args: tuple, stream: bool) -> None:
    # The parent's ends of the pipes, closed here: a pipe then breaks when the parent ends,
    # however it ends (killed, say, where `daemon` does nothing), and this process stops instead
    # of waiting for ever to send an answer nobody reads, or for files that will not come (a
    # Writer), holding what it made and what else it inherited (mkdocs serve's port, which kept
    # the next `mkdocs serve` from starting there).
    for end in inherited:
        end.close()
    # What was forked is the parent's, read only: a full collection here would walk all of it,
    # copying every page it touches (copy on write), for garbage that is not there.
    gc.freeze()
    _collect_less()  # a fork has the parent's thresholds already; one from the fork server not
    try:
        try:
            if stream:
                for item in fn(*args):
                    send.send((_ITEM, item))
                answer = (_DONE, None)
            else:
                answer = (_DONE, fn(*args))
        except Exception as e:
            e.add_note("in a process of the build's own:\n" + traceback.format_exc())
            answer = (_FAILED, e)
        send.send(answer)
    except BrokenPipeError:
        pass  # the process that asked has ended: there is nobody to answer
    send.close()
