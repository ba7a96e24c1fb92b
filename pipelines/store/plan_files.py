"""From a folder of plan files to document records and quarantined rejections.

Pure library code shared by the Dagster assets and the `khcn` CLI: one function
reads one file and either returns a document or raises `UnreadableDocument` (the one
refusal of the library, see `formats.errors`) with a reason a person can act on. Nothing here
stops at the first bad file.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.formats.dispatch import SUPPORTED_SUFFIXES, read_document_bytes
from pipelines.formats.errors import MAX_PLAN_BYTES, UnreadableDocument, too_large
from pipelines.gazetteer.units import Gazetteer
from pipelines.metadata.extract import extract_metadata
from pipelines.text.normalize import normalize_unicode, repair_line_wraps

EXTRACTOR_VERSION = "1"


@dataclass(frozen=True)
class PlanFile:
    path: Path
    relative_path: str
    size_bytes: int
    modified_at: float


# Files the operating system or Office drops into any folder: never plans, never reported.
# Everything else in the plan folder is either read or refused with a reason.
SYSTEM_FILE_NAMES = frozenset({".ds_store", "thumbs.db", "ehthumbs.db", "desktop.ini", ".localized"})
SYSTEM_DIR_NAMES = frozenset(
    {
        ".spotlight-v100",
        ".trashes",
        ".fseventsd",
        ".temporaryitems",
        "$recycle.bin",
        "system volume information",
    }
)


def is_system_file(name: str) -> bool:
    """Finder/Explorer metadata and Office lock files ("~$Kế hoạch.docx") are not plans."""
    return name.lower() in SYSTEM_FILE_NAMES or name.startswith("~$")


def discover_plan_files(root: Path) -> tuple[list[PlanFile], list[dict[str, Any]]]:
    """Every candidate file under `root`, plus rejections for files we will not read.

    Nothing vanishes: hidden files and files in hidden folders are candidates like any other
    (an analyst who names a plan ".ke-hoach.txt" still sees what became of it); only the
    system files above are skipped. Symbolic links are not followed (a link could point
    outside the plan folder), and folders named like plan files, FIFOs, devices, unreadable
    folders and unsupported formats are reported instead of being ignored.
    """
    files: list[PlanFile] = []
    rejected: list[dict[str, Any]] = []
    if not root.exists():
        return files, rejected
    for path, relative in _walk(root, rejected):
        refusal = _refusal(path, relative)
        if refusal is not None:
            rejected.append(refusal)
            continue
        info = path.lstat()
        files.append(PlanFile(path, relative, info.st_size, info.st_mtime))
    files.sort(key=lambda f: f.relative_path)
    rejected.sort(key=lambda r: r["file_name"])
    return files, rejected


def _walk(root: Path, rejected: list[dict[str, Any]]) -> Iterator[tuple[Path, str]]:
    """(path, relative path) of every entry under `root` that is not a folder we descend into.

    os.walk never follows links to folders; a folder that cannot be listed is a rejection, not a
    silent hole. Folders named like plan files ("x.txt/") are yielded so they are refused by name.
    """

    def unreadable(error: OSError) -> None:
        name = Path(error.filename or "").relative_to(root).as_posix() if error.filename else "."
        name = displayable_name(name)
        rejected.append(
            rejection(name, "discover", "unreadable", f"cannot list the folder: {error.strerror or error}")
        )

    for folder, dirs, names in os.walk(root, onerror=unreadable):
        base = Path(folder)
        dirs[:] = sorted(d for d in dirs if d.lower() not in SYSTEM_DIR_NAMES)
        for directory in dirs:
            if _suffix_of(directory) in SUPPORTED_SUFFIXES or (base / directory).is_symlink():
                yield base / directory, (base / directory).relative_to(root).as_posix()
        for name in sorted(names):
            if not is_system_file(name):
                yield base / name, (base / name).relative_to(root).as_posix()


def _suffix_of(name: str) -> str:
    return Path(name).suffix.lower()


def displayable_name(relative: str) -> str:
    """A name that can be stored and shown: bytes that are not UTF-8 (a name typed in an old Windows
    encoding, copied from a network share) arrive as surrogates, which no JSON, DuckDB or Excel
    writer accepts; they are shown as U+FFFD."""
    return relative.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _refusal(path: Path, relative: str) -> dict[str, Any] | None:
    """Why `path` will not be read, as a rejection row (None: it is a candidate)."""
    if displayable_name(relative) != relative:
        return rejection(
            displayable_name(relative),
            "discover",
            "bad_file_name",
            "the file name is not valid Unicode (typed in an old Windows or legacy font encoding?); "
            "rename the file (any name will do: nothing is read from it) and it is read on the next run",
        )
    if path.is_symlink():
        return rejection(
            relative,
            "discover",
            "symlink",
            "symbolic link not followed; copy the file itself into the plan folder",
        )
    if path.is_dir():
        return rejection(
            relative,
            "discover",
            "not_a_file",
            "this is a folder named like a plan file; the files inside it are listed on their own. "
            "Rename the folder (remove the extension) or move the plan file out of it",
        )
    if not path.is_file():
        return rejection(
            relative,
            "discover",
            "not_a_file",
            "not a regular file (a pipe, socket or device); copy the plan file itself into the plan folder",
        )
    suffix = _suffix_of(path.name) if path.name.strip(".") else ""
    if suffix not in SUPPORTED_SUFFIXES:
        return rejection(
            relative,
            "discover",
            "unsupported_format",
            f"unsupported file type '{path.suffix or '(none)'}'; supported: {', '.join(SUPPORTED_SUFFIXES)}",
        )
    return None


def rejection(
    file_name: str, stage: str, code: str, reason: str, document_id: str | None = None
) -> dict[str, Any]:
    """One quarantine row: which file, at which step, why, and what to do (in `reason`)."""
    return {
        "file_name": file_name,
        "document_id": document_id,
        "stage": stage,
        "reason_code": code,
        "reason": reason,
    }


def document_id_for(normalized_text: str) -> str:
    """Stable id from content: the same plan under two names is one document."""
    return hashlib.sha256(normalized_text.encode("utf-8")).hexdigest()[:16]


def build_document(file_name: str, data: bytes, gazetteer: Gazetteer) -> dict[str, Any]:
    """Decode, normalise and read the metadata of one plan; raise UnreadableDocument if impossible."""
    decoded = read_document_bytes(file_name, data)
    original = normalize_unicode(decoded.text)
    normalized = repair_line_wraps(original)  # = normalize_text(decoded.text), normalised once
    if not normalized.strip():
        raise UnreadableDocument(
            "empty_text", "the file contains no text (only blanks); replace it with the full plan"
        )
    meta = extract_metadata(normalized, gazetteer)
    if decoded.notes:
        meta.flags.append("read_with_conversion")  # e.g. a legacy TCVN3/VNI font converted to Unicode
    return {
        "document_id": document_id_for(normalized),
        "file_name": file_name,
        "source_sha256": hashlib.sha256(data).hexdigest(),
        "encoding": decoded.encoding,
        "size_bytes": len(data),
        "char_count": len(normalized),
        "text_original": original,
        "text_normalized": normalized,
        "extractor_version": EXTRACTOR_VERSION,
        **meta.as_dict(),
    }


def read_plan_bytes(path: Path) -> bytes:
    """The bytes of one plan file, refusing before reading what must not be read.

    Opened without following a symbolic link (O_NOFOLLOW: a link swapped in after the folder was
    listed, or one given to the CLI, is refused, never read) and without blocking on a pipe; the
    size is checked on the open file before any byte is read, and at most `MAX_PLAN_BYTES` + 1 bytes
    are ever read, so a 2 GB file costs nothing but a refusal.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if path.is_symlink():
            raise UnreadableDocument(
                "symlink", "symbolic link not followed; copy the file itself into the plan folder"
            ) from exc
        raise UnreadableDocument("unreadable", f"cannot read the file: {exc.strerror or exc}") from exc
    try:  # checked on the descriptor: Python refuses to wrap a folder's with IsADirectoryError
        _refuse_unless_small_regular_file(os.fstat(fd))
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        try:
            data = handle.read(MAX_PLAN_BYTES + 1)
        except OSError as exc:
            raise UnreadableDocument("unreadable", f"cannot read the file: {exc.strerror or exc}") from exc
    if len(data) > MAX_PLAN_BYTES:  # it grew after the size check
        raise too_large(len(data))
    return data


def _refuse_unless_small_regular_file(info: os.stat_result) -> None:
    """Refuse a folder, pipe, socket or device (`not_a_file`) and a file over the limit (`too_large`)."""
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a pipe, socket or device"
        raise UnreadableDocument("not_a_file", f"not a regular file ({kind}); give the plan file itself")
    if info.st_size > MAX_PLAN_BYTES:
        raise too_large(info.st_size)


def read_document(plan: PlanFile, gazetteer: Gazetteer) -> dict[str, Any]:
    """Read one file from disk into a document record (see `build_document`)."""
    return build_document(plan.relative_path, read_plan_bytes(plan.path), gazetteer)
