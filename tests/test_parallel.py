"""A one-shot build spreads per-paper work over processes: the result must be the same as in one."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import subprocess
import sys
import time

import pytest
from mkdocs.utils import write_file

from generator import parallel
from generator.parallel import ordered_map
from generator.problems import InputError, Problem

from .conftest import subprocess_env


def _with_pid(i: int) -> tuple[int, int]:
    return i, os.getpid()


def _fail_at_1500(i: int) -> int:
    if i == 1500:
        raise ValueError("item 1500")
    return i


def test_results_come_back_in_order_though_other_processes_compute_them():
    items = range(3 * parallel.MIN_ITEMS)
    found = list(ordered_map(_with_pid, items, 2))
    assert [i for i, _ in found] == list(items)
    assert os.getpid() not in {pid for _, pid in found}  # the work really went elsewhere


_STATE = {"changed here": False}


def _changed_here(_) -> bool:
    return _STATE["changed here"]


def test_workers_share_none_of_this_processs_memory(monkeypatch):
    # They start from a fork server, not from this process: what it holds is not theirs to read
    # (reading an object writes its reference count, which would copy the page it lives in).
    monkeypatch.setitem(_STATE, "changed here", True)
    assert set(ordered_map(_changed_here, range(2 * parallel.MIN_ITEMS), 2)) == {False}
    assert set(map(_changed_here, range(3))) == {True}


def test_few_items_or_one_worker_run_in_this_process():
    for items, workers in ((range(parallel.MIN_ITEMS - 1), 4), (range(2 * parallel.MIN_ITEMS), 1)):
        assert {pid for _, pid in ordered_map(_with_pid, items, workers)} == {os.getpid()}


def test_a_failure_in_a_worker_reaches_the_caller():
    with pytest.raises(ValueError, match="item 1500"):
        list(ordered_map(_fail_at_1500, range(2 * parallel.MIN_ITEMS), 2))


def test_shares_of_work_come_back_in_order_the_later_ones_from_forks_of_this_process():
    big = {"read": "by the forks, not sent to them"}  # a closure's: forks read this process's memory
    shares = parallel.in_shares(lambda share: (list(share), os.getpid(), big["read"]), range(10), 3)
    assert [items for items, _, _ in shares] == [[0, 1, 2], [3, 4, 5], [6, 7, 8, 9]]
    assert shares[0][1] == os.getpid() and os.getpid() not in {pid for _, pid, _ in shares[1:]}
    assert len({pid for _, pid, _ in shares}) == 3 and {r for _, _, r in shares} == {big["read"]}
    # One worker, or fewer items than workers: no more shares than items, the first one here.
    assert parallel.in_shares(lambda share: (list(share), os.getpid()), range(4), 1) == [([0, 1, 2, 3], os.getpid())]
    assert [items for items, _ in parallel.in_shares(lambda s: (list(s), 0), range(2), 4)] == [[0], [1]]


def test_a_failure_in_a_share_reaches_the_caller():
    with pytest.raises(ValueError, match="item 1500"):
        parallel.in_shares(lambda share: [_fail_at_1500(i) for i in share], range(1000, 2000), 2)


def test_a_build_in_a_process_of_its_own_answers_as_if_run_here():
    assert parallel.in_child(lambda a, b: (a + b, os.getpid()), 2, 3)[0] == 5
    assert parallel.in_child(os.getpid) != os.getpid()


def test_problems_found_in_a_process_of_its_own_arrive_whole():
    problems = [Problem("seeds/b.txt", 7, "an abstract without a title"), Problem("seeds/a.txt", 3, "empty")]

    def invalid():
        raise InputError(problems)

    with pytest.raises(InputError) as raised:
        parallel.in_child(invalid)
    assert raised.value.problems == sorted(problems)
    assert str(raised.value) == str(InputError(problems))


def test_a_process_that_dies_without_an_answer_is_an_error_not_a_hang():
    with pytest.raises(RuntimeError, match="exit status 3"):
        parallel.in_child(os._exit, 3)


def test_without_a_safe_fork_everything_runs_in_this_process(monkeypatch):
    monkeypatch.setattr(parallel.sys, "platform", "darwin")
    monkeypatch.setattr(parallel.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert {pid for _, pid in ordered_map(_with_pid, range(2 * parallel.MIN_ITEMS), 2)} == {os.getpid()}
    assert parallel.in_child(os.getpid) == os.getpid()
    assert parallel.in_shares(lambda share: (list(share), os.getpid()), range(4), 2) == [([0, 1, 2, 3], os.getpid())]


def test_work_done_later_elsewhere_runs_while_this_process_goes_on(tmp_path):
    started = tmp_path / "started"

    def slow(path):
        path.write_text(str(os.getpid()))
        return "answer"

    with parallel.Later(slow, started) as later:
        for _ in range(500):  # this process is free meanwhile, and the other one has begun
            if started.exists():
                break
            time.sleep(0.01)
        assert started.exists() and started.read_text() != str(os.getpid())
        assert later.result() == "answer"


def _state_and_pid() -> tuple[bool, int]:
    return _STATE["changed here"], os.getpid()


def test_fresh_work_elsewhere_shares_none_of_this_processs_memory_and_gets_what_it_is_sent(monkeypatch):
    # Related papers read every paper's terms: a fork of this process would copy each page of
    # them it read. A fresh process is sent its arguments and sees nothing else of this one.
    monkeypatch.setitem(_STATE, "changed here", True)
    with parallel.Later(_state_and_pid, fresh=True) as later:
        changed, pid = later.result()
    assert not changed and pid != os.getpid()
    with parallel.Later(sorted, ["b", "c", "a"], fresh=True) as later:
        assert later.result() == ["a", "b", "c"]
    with parallel.Later(_fail_at_1500, 1500, fresh=True) as later, pytest.raises(ValueError, match="item 1500"):
        later.result()


def test_work_sent_elsewhere_is_let_go_here():
    # At 100,000 papers the terms sent for related papers are 100 MB: this process must not
    # keep them for the child's whole run.
    with parallel.Later(len, [1, 2, 3], fresh=True) as later:
        assert later._call is None
        assert later.result() == 3


def test_work_done_here_lets_go_of_its_arguments_once_done():
    # Nor, done here, for the rest of the build (the paper pages come after related papers).
    with parallel.Later(len, [1, 2, 3], wanted=False) as later:
        assert later.result() == 3
        assert later._call is None
    with parallel.Later(iter, [1, 2], wanted=False, stream=True) as later:
        assert list(later.items()) == [1, 2]
        assert later._call is None


def test_work_not_wanted_elsewhere_is_done_here_when_asked_for():
    with parallel.Later(os.getpid, wanted=False) as later:
        assert later.result() == os.getpid()


def test_work_never_asked_for_ends_with_its_block(tmp_path):
    with parallel.Later(time.sleep, 60) as later:
        child = later._child
    assert not child.is_alive()  # a build that failed does not leave work running behind it


def test_items_sent_one_by_one_arrive_in_order_then_a_failure_after_them():
    def items(n):
        for i in range(n):
            yield i, os.getpid()
        raise ValueError("after the last item")

    received = []
    with parallel.Later(items, 1000, stream=True) as later, pytest.raises(ValueError, match="after the last"):
        for item in later.items():
            received.append(item)
    assert [i for i, _ in received] == list(range(1000))
    assert {pid for _, pid in received} == {received[0][1]} != {os.getpid()}


def test_a_process_that_dies_while_sending_items_is_an_error_not_a_hang():
    def items():
        yield 1
        os._exit(4)

    received = []
    with parallel.Later(items, stream=True) as later, pytest.raises(RuntimeError, match="exit status 4"):
        for item in later.items():
            received.append(item)
    assert received == [1]


def test_items_are_the_same_when_computed_here():
    with parallel.Later(lambda n: ((i, os.getpid()) for i in range(n)), 5, wanted=False, stream=True) as later:
        assert list(later.items()) == [(i, os.getpid()) for i in range(5)]


def test_this_processs_collector_leaves_what_it_shares_with_forked_ones_alone_until_they_end():
    # A full collection writes into every object it walks: each page it writes would become a
    # copy of its own in both processes. What this process makes meanwhile is collected.
    with parallel.Later(lambda: "answer") as later:
        assert gc.get_freeze_count() > 0
        assert later.result() == "answer"
    assert gc.get_freeze_count() == 0


def _young_threshold(_) -> int:
    return gc.get_threshold()[0]


@pytest.fixture
def python_defaults():
    """The collector's default thresholds for the test, this process's own after it."""
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_a_build_looks_for_garbage_cycles_less_often_and_gives_the_process_its_own_thresholds_back(python_defaults):
    # mkdocs serve goes on in the process after each build, with its own settings.
    with pytest.raises(ValueError), parallel.fewer_collections():
        assert gc.get_threshold() == (parallel.YOUNG_OBJECTS, 10, 10)
        raise ValueError("a failed build")
    assert gc.get_threshold() == (700, 10, 10)
    gc.set_threshold(0)  # collection turned off stays off
    with parallel.fewer_collections():
        assert gc.get_threshold()[0] == 0


def test_the_builds_workers_look_for_garbage_cycles_less_often_too():
    assert set(ordered_map(_young_threshold, range(2 * parallel.MIN_ITEMS), 2)) == {parallel.YOUNG_OBJECTS}
    with parallel.Later(_young_threshold, None, fresh=True) as later:
        assert later.result() == parallel.YOUNG_OBJECTS


def test_a_one_shot_mkdocs_build_collects_less_in_mkdocs_process_and_serve_keeps_its_own(monkeypatch, python_defaults):
    from generator import mkdocs_hooks

    for name in ("serving", "memo", "compiled"):  # on_startup's, for this test only
        monkeypatch.setattr(mkdocs_hooks._LastRun, name, getattr(mkdocs_hooks._LastRun, name))
    monkeypatch.setattr(mkdocs_hooks._LastRun, "collecting", contextlib.ExitStack())
    mkdocs_hooks.on_startup("build", dirty=False)
    assert gc.get_threshold() == (parallel.YOUNG_OBJECTS, 10, 10)
    mkdocs_hooks.on_shutdown()
    assert gc.get_threshold() == (700, 10, 10)
    mkdocs_hooks.on_startup("serve", dirty=False)
    assert gc.get_threshold() == (700, 10, 10)
    mkdocs_hooks.on_shutdown()
    assert gc.get_threshold() == (700, 10, 10)


def test_files_given_to_the_writing_process_are_on_disk_when_it_is_closed(tmp_path):
    pages = {tmp_path / "site" / f"folder{i % 3}" / f"page{i}.html": os.urandom(30_000) for i in range(100)}
    with parallel.Writer(write_file) as writer:
        for path, data in pages.items():
            writer.write(str(path), data)
        writer.close()
    assert {path: path.read_bytes() for path in pages} == pages


def test_a_file_the_writing_process_cannot_write_fails_the_close_by_name_and_never_hangs(tmp_path):
    (tmp_path / "taken").write_text("a file, not a folder")
    blocked = tmp_path / "taken" / "page.html"
    with parallel.Writer(write_file) as writer:
        writer.write(str(blocked), b"page")
        for i in range(200):  # more than the pipe holds: the process must go on taking them
            writer.write(str(tmp_path / f"after{i}.html"), bytes(50_000))
        with pytest.raises(OSError, match="cannot write .*taken/page.html"):
            writer.close()


def test_a_writing_process_that_ends_early_is_an_error_not_a_hang(tmp_path):
    with parallel.Writer(write_file) as writer:
        writer._later._child.kill()
        with pytest.raises(OSError, match="ended"):
            for i in range(200):
                writer.write(str(tmp_path / f"p{i}.html"), bytes(50_000))
            writer.close()


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


# A build's process started by `python -c`, which prints its child's pid and then is killed (as
# when `mkdocs serve` or a build is stopped with SIGTERM or SIGKILL: no exit handler runs).
_KILLED = "import os, signal, sys; from generator import parallel\n{}\nprint({}.pid, flush=True); os.kill(os.getpid(), signal.SIGKILL)"


def _child_of_a_killed_build(tmp_path, code: str, child: str) -> None:
    """Runs the code, kills it, and fails unless the child it started ends, quietly."""
    out, err = tmp_path / "pid", tmp_path / "stderr"
    # Files, not pipes: a pipe would stay open as long as the child lives.
    with out.open("w") as o, err.open("w") as e:
        subprocess.run(
            [sys.executable, "-c", _KILLED.format(code, child), str(tmp_path)],
            stdout=o,
            stderr=e,
            timeout=60,
            env=subprocess_env(),
        )
    pid = int(out.read_text())
    end = time.monotonic() + 10
    while _running(pid) and time.monotonic() < end:
        time.sleep(0.05)
    if _running(pid):
        os.kill(pid, signal.SIGKILL)
        pytest.fail("the child process outlived the build that started it")
    assert "Traceback" not in err.read_text()


@pytest.mark.skipif(not parallel.can_fork(), reason="the Writer needs fork")
def test_the_writing_process_ends_when_the_build_is_killed(tmp_path):
    code = (
        "from mkdocs.utils import write_file; w = parallel.Writer(write_file)\n"
        "w.write(sys.argv[1] + '/page.html', b'page')"
    )
    _child_of_a_killed_build(tmp_path, code, "w._later._child")
    assert (tmp_path / "page.html").read_bytes() == b"page"


@pytest.mark.skipif(not parallel.can_fork(), reason="Later runs the work here without fork")
def test_a_forked_process_ends_when_the_build_that_waits_for_its_answer_is_killed(tmp_path):
    # An answer larger than a pipe holds: sending it waits for a reader.
    code = "import time\ndef work():\n    time.sleep(0.3)\n    return 'x' * 1_000_000\nlater = parallel.Later(work)"
    _child_of_a_killed_build(tmp_path, code, "later._child")


def test_a_writing_process_that_ends_with_every_file_in_the_pipe_fails_the_close(tmp_path):
    with parallel.Writer(write_file) as writer:
        writer.write(str(tmp_path / "page.html"), b"page")
        writer._later._child.kill()
        writer._later._child.join()
        with pytest.raises(OSError, match="ended early"):
            writer.close()
