"""Writing generated files into docs/ without ever touching a maintainer's own files.

The writer keeps a manifest (``docs/.generator-manifest``) of the files it wrote. It writes only
names the site owns (see layout.py), deletes only files the manifest lists, refuses to replace a
file it has no record of, and writes each file to a temporary name first and renames it, so a
killed build never leaves half a page. A file is only written when its bytes change, so MkDocs'
incremental rebuilds see only real changes. A file too large to hold twice in memory (papers.json
at 100,000 papers) may come as pieces of text: it is compared and written as they arrive.

Paths are recorded in a journal before they are first written; a build that is killed halfway
therefore still knows, next time, which files are its own.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import layout

MANIFEST = ".generator-manifest"
JOURNAL = ".generator-journal"
TEMP_PREFIX = ".generator-tmp-"
_SHOWN = 5  # conflicts named in one message; the rest are counted


class OutputError(Exception):
    """docs/ cannot be written as asked; the message says why and what to do."""


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    total: int = 0
    names: frozenset[str] = frozenset()  # every file this build generated, written or unchanged


def check_output_folder(docs: Path, inputs: Iterable[Path]) -> None:
    """Refuse an output folder that would hold the project's inputs or a repository.

    The writer deletes files in its output folder, so pointing it at the project itself
    (``--docs .``) or at the listings must fail before anything is written."""
    out = docs.resolve()
    for item in inputs:
        path = item.resolve()
        if path == out or out in path.parents:
            raise OutputError(f"{docs}: output folder holds the project's input {item}; choose a folder of its own")
        if path.is_dir() and path in out.parents:
            raise OutputError(f"{docs}: output folder lies inside the input folder {item}; choose another")
    for marker in (".git", "mkdocs.yml", "pyproject.toml"):
        if (out / marker).exists():
            raise OutputError(f"{docs}: output folder holds {marker}, so it is a project, not build output")


def _check_name(rel: str) -> None:
    # Split by hand: pathlib took longer than the check itself, once per file of 100,000s.
    # "a//b" and "a/./b" are refused too, where pathlib would have folded them.
    if not rel or any(p in ("", ".", "..") or p.startswith(".") for p in rel.split("/")) or not layout.owns(rel):
        # The generator decides these names itself: this is a bug, not a maintainer's mistake.
        raise ValueError(f"the generator may not write {rel!r}")


def _read_record(docs: Path) -> set[str]:
    record: set[str] = set()
    for name in (MANIFEST, JOURNAL):
        with contextlib.suppress(FileNotFoundError):
            record.update(line for line in (docs / name).read_text(encoding="utf-8").splitlines() if line)
    return record


_LINK = b"\0a symbolic link"  # never equal to generated content: a link is never followed


def _current(path: Path) -> bytes | None:
    try:
        if stat.S_ISLNK(os.lstat(path).st_mode):
            return _LINK
        return path.read_bytes()
    except FileNotFoundError:  # a new file: one look, not two
        return None


def _temp(path: Path) -> Path:
    return path.with_name(TEMP_PREFIX + path.name)


def _atomic_write(path: Path, data: bytes) -> None:
    temp = _temp(path)
    temp.write_bytes(data)
    os.replace(temp, path)


def _write_pieces(path: Path, pieces: Iterable[str], recorded: bool, journal: _Journal, rel: str) -> bool | None:
    """Write pieces of text to path as _write writes whole contents, holding one piece at a time:
    whether the file changed, or None if a file the generator did not write stands there. As for
    whole contents, a file with the same bytes is left as it is, whoever wrote it."""
    link = path.is_symlink()
    exists = link or path.exists()
    if not exists:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not recorded:
            journal.add(rel)
    temp = _temp(path)
    same = exists and not link
    with open(temp, "wb") as out, open(path, "rb") if same else contextlib.nullcontext() as old:  # noqa: SIM115
        for piece in pieces:
            data = piece.encode("utf-8")
            out.write(data)
            same = same and old.read(len(data)) == data
        same = same and old.read(1) == b""
    if same:
        temp.unlink()
        return False
    if exists and not recorded:
        temp.unlink()
        return None
    os.replace(temp, path)  # replaces a link itself, never what it points to
    return True


class _Journal:
    """Names of files about to be written for the first time, on disk before the files are."""

    def __init__(self, path: Path):
        self.path, self.file = path, None

    def add(self, rel: str) -> None:
        if self.file is None:
            self.file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115  (closed in __exit__)
        self.file.write(rel + "\n")
        self.file.flush()

    def __enter__(self) -> _Journal:
        return self

    def __exit__(self, *exc) -> None:
        if self.file is not None:
            self.file.close()


def _remove_temp_files(docs: Path, record: set[str]) -> None:
    # Only a killed build leaves them, and only next to files it was writing: the ones recorded.
    for folder in sorted({(docs / rel).parent for rel in record}):
        if folder.is_dir():
            for temp in folder.glob(TEMP_PREFIX + "*"):
                temp.unlink()


Content = str | bytes | Iterable[str]  # text, bytes, or pieces of text written one after another

# What a long-lived process (mkdocs serve) knows of each file it wrote or found unchanged: the
# content and the file's lstat signature then. A file whose signature is still the same holds
# that content, so an unchanged page is not read again to be compared; one edited, replaced or
# linked since has another signature and is read.
Known = dict[str, tuple[str | bytes, tuple[int, int, int, int]]]


def _signature(path: Path) -> tuple[int, int, int, int] | None:
    try:
        st = path.lstat()
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def write_files(files: Iterable[tuple[str, Content]], docs: Path, known: Known | None = None) -> WriteReport:
    """Write (relative path, content) pairs under docs/ and remove what the last build wrote
    that this one did not. Raises OutputError on a name written twice, on a file the
    generator did not write standing where it wants to write, and on any I/O failure.
    A long-lived process passes the same `known` to every build (see Known)."""
    try:
        return _write(files, docs, known)
    except OSError as e:
        where = e.filename or docs
        raise OutputError(f"cannot write {where}: {e.strerror or e}") from None


def _write(files: Iterable[tuple[str, Content]], docs: Path, known: Known | None) -> WriteReport:
    docs.mkdir(parents=True, exist_ok=True)
    killed_before = (docs / JOURNAL).exists()
    record = _read_record(docs)
    if killed_before:
        _remove_temp_files(docs, record)
    report = WriteReport()
    seen: set[str] = set()
    folders: set[Path] = set()  # made (or found) by this build
    conflicts: list[str] = []
    journal = _Journal(docs / JOURNAL)
    with journal:
        for rel, content in files:
            _check_name(rel)
            if rel in seen:
                raise OutputError(f"{docs / rel}: two generated pages have this name")
            seen.add(rel)
            path = docs / rel
            if not isinstance(content, str | bytes):
                changed = _write_pieces(path, content, rel in record, journal, rel)
                if changed is None:
                    conflicts.append(rel)
                elif changed:
                    report.written.append(rel)
                continue
            if known is not None and rel in record:
                before = known.get(rel)
                if before is not None and before[0] == content and before[1] == _signature(path):
                    continue
            data = content.encode("utf-8") if isinstance(content, str) else content
            existing = _current(path)
            if existing is None and path.parent not in folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                folders.add(path.parent)
            if existing != data:
                if existing is not None and rel not in record:
                    conflicts.append(rel)
                    continue
                if rel not in record:
                    journal.add(rel)
                _atomic_write(path, data)  # replaces a link itself, never what it points to
                report.written.append(rel)
            if known is not None:
                known[rel] = (content, _signature(path))
    for rel in sorted(record - seen):
        path = docs / rel
        if path.is_symlink() or path.is_file():
            path.unlink()
            report.deleted.append(rel)
    report.total = len(seen)
    report.names = frozenset(seen)
    manifest = "".join(rel + "\n" for rel in sorted(seen.difference(conflicts))).encode("utf-8")
    if _current(docs / MANIFEST) != manifest:
        _atomic_write(docs / MANIFEST, manifest)
    (docs / JOURNAL).unlink(missing_ok=True)
    if conflicts:
        named = ", ".join(conflicts[:_SHOWN]) + (
            f" and {len(conflicts) - _SHOWN} more" if len(conflicts) > _SHOWN else ""
        )
        raise OutputError(
            f"{docs}: {len(conflicts)} file(s) stand where generated pages go but were not written by the "
            f"generator (no record in {MANIFEST}): {named}. If they are yours, move them; the generator owns "
            "these names. If they are output of an older version, delete them."
        )
    return report
