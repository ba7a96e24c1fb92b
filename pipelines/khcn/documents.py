"""From a folder of plan files to document records and quarantined rejections.

Pure library code shared by the Dagster assets and the `khcn` CLI: one function
reads one file and either returns a document or raises `RejectedInput` with a
reason a person can act on. Nothing here stops at the first bad file.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.khcn.gazetteer import Gazetteer
from pipelines.khcn.metadata import extract_metadata
from pipelines.khcn.readers import SUPPORTED_SUFFIXES, UnreadableDocument, read_document_bytes
from pipelines.khcn.text import normalize_text, normalize_unicode

# A plan is tens of kilobytes; anything this large is not a plan copy but an export gone wrong.
MAX_PLAN_BYTES = 20 * 1024 * 1024
EXTRACTOR_VERSION = "1"


class RejectedInput(ValueError):
    """A file that cannot become a document; `code` is machine-readable, the message is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class PlanFile:
    path: Path
    relative_path: str
    size_bytes: int
    modified_at: float


def discover_plan_files(root: Path) -> tuple[list[PlanFile], list[dict[str, Any]]]:
    """Every candidate file under `root`, plus rejections for files we will not read.

    Symbolic links are not followed (a link could point outside the plan folder)
    and unsupported formats are reported instead of being ignored, so an analyst
    who drops a file always sees what became of it.
    """
    files: list[PlanFile] = []
    rejected: list[dict[str, Any]] = []
    if not root.exists():
        return files, rejected
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        if path.is_symlink():
            rejected.append(
                rejection(
                    relative,
                    "discover",
                    "symlink",
                    "symbolic link not followed; copy the file itself into the plan folder",
                )
            )
            continue
        if not path.is_file():
            continue
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            rejected.append(
                rejection(
                    relative,
                    "discover",
                    "unsupported_format",
                    f"unsupported file type '{path.suffix or '(none)'}'; supported: {', '.join(SUPPORTED_SUFFIXES)}",
                )
            )
            continue
        stat = path.stat()
        files.append(PlanFile(path, relative, stat.st_size, stat.st_mtime))
    return files, rejected


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
    """Decode, normalise and read the metadata of one plan; raise RejectedInput if impossible."""
    try:
        decoded = read_document_bytes(file_name, data, max_bytes=MAX_PLAN_BYTES)
    except UnreadableDocument as exc:
        raise RejectedInput(exc.code, str(exc)) from exc
    original = normalize_unicode(decoded.text)
    normalized = normalize_text(decoded.text)
    if not normalized.strip():
        raise RejectedInput(
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


def read_document(plan: PlanFile, gazetteer: Gazetteer) -> dict[str, Any]:
    """Read one file from disk into a document record (see `build_document`)."""
    try:
        data = plan.path.read_bytes()
    except OSError as exc:
        raise RejectedInput("unreadable", f"cannot read the file: {exc.strerror or exc}") from exc
    return build_document(plan.relative_path, data, gazetteer)


def read_documents(
    files: list[PlanFile], gazetteer: Gazetteer
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Documents and rejections for a list of files; duplicates by content are reported once each."""
    documents: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for plan in files:
        try:
            doc = read_document(plan, gazetteer)
        except RejectedInput as exc:
            rejected.append(rejection(plan.relative_path, "read", exc.code, str(exc)))
            continue
        first = seen.get(doc["document_id"])
        if first is not None:
            rejected.append(
                rejection(
                    plan.relative_path,
                    "deduplicate",
                    "duplicate_content",
                    f"same content as '{first}' (document {doc['document_id']}); loaded once",
                    doc["document_id"],
                )
            )
            continue
        seen[doc["document_id"]] = plan.relative_path
        documents.append(doc)
    return documents, rejected


def plan_folder(data_dir: Path) -> Path:
    return data_dir / "raw" / "plans"


def default_data_dir() -> Path:
    """`KHCN_DATA_DIR` or the repository's own `data/` folder."""
    env = os.environ.get("KHCN_DATA_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "data"
