"""One plan file in, everything we read from it out; stored per plan so nights are incremental.

Each plan file gets a stable key (ASCII slug of its name + short hash of its bytes). The
extraction result of a key is written to `data/extracted/<key>.json` together with the
fingerprint of the code and reference data that produced it. A night with no new plan
reads no plan again; a change to the extraction code (any module of the library, sub-packages
included), to a seed CSV the extractors read, or to the version of a reader or gazetteer library
changes the fingerprint and so re-extracts everything, because results may change.

Every plan is extracted in a worker process with a time and memory budget (`plan_workers`): a
plan that overruns is quarantined (`too_slow`, `too_large_in_memory`) and the run goes on.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata as package_metadata
from pathlib import Path
from typing import Any

from pipelines.citations import citations_for_document
from pipelines.formats.errors import MAX_PLAN_BYTES, UnreadableDocument, too_large_message
from pipelines.gazetteer.units import Gazetteer
from pipelines.settings import LIBRARY_DIR, SEEDS_DIR, extraction_sources
from pipelines.store.plan_files import PlanFile, read_document, rejection
from pipelines.store.workers import Budget, run_budgeted
from pipelines.targets.catalog import DEFAULT_CATALOG, Catalog, load_catalog
from pipelines.targets.extract import targets_for_document
from pipelines.text.normalize import fold_diacritics
from pipelines.themes import DEFAULT_LEXICON, Lexicon, load_lexicon, theme_mentions

STORE_FORMAT = 2
# Libraries whose behaviour decides what is read from a plan: a new version may read differently. (The
# gazetteer libraries are not among them: the gazetteer reads the checked seeds, which are hashed.)
READER_PACKAGES = ("pypdf", "python-docx", "lxml")
HASH_CHUNK = 1024 * 1024


def plan_key(relative_path: str, content_sha256: str) -> str:
    """Partition key of a plan: readable, ASCII, unique per content ("ke-hoach-so-12-3f9a1c0b2d")."""
    stem = Path(relative_path).with_suffix("").as_posix()
    slug = re.sub(r"[^a-z0-9]+", "-", fold_diacritics(stem)).strip("-")[:48] or "plan"
    return f"{slug}-{content_sha256[:10]}"


def code_fingerprint(
    catalog_path: Path = DEFAULT_CATALOG,
    lexicon_path: Path = DEFAULT_LEXICON,
    library: Path = LIBRARY_DIR,
    seeds_dir: Path = SEEDS_DIR,
) -> str:
    """Hash of everything that decides what is extracted.

    Every module of the extraction packages (`settings.extraction_sources`), every seed CSV in dbt_project/seeds
    (the catalog, the theme lexicon and the vocabularies the extractors load; hashing them all is
    simpler than knowing which are read and never misses a new one), the catalog and lexicon given
    (when they are elsewhere), and the installed versions of the reader and gazetteer libraries.
    Contents are hashed; (path, mtime, size) stamps only decide whether the cached hash is reused.
    """
    sources = extraction_sources(library)
    seeds = sorted({*seeds_dir.glob("*.csv"), catalog_path.resolve(), lexicon_path.resolve()})
    return _fingerprint(
        library, tuple(_stamp(p) for p in sources), tuple(_stamp(p) for p in seeds), _versions()
    )


def _stamp(path: Path) -> tuple[str, int, int]:
    info = path.stat()
    return str(path), info.st_mtime_ns, info.st_size


def _versions() -> tuple[tuple[str, str], ...]:
    versions = []
    for name in READER_PACKAGES:
        try:
            versions.append((name, package_metadata.version(name)))
        except package_metadata.PackageNotFoundError:
            versions.append((name, "not installed"))
    return tuple(versions)


@lru_cache(maxsize=8)
def _fingerprint(library: Path, sources: tuple, seeds: tuple, versions: tuple) -> str:
    digest = hashlib.sha256(f"format {STORE_FORMAT}".encode())
    for path, _, _ in sources:
        digest.update(Path(path).relative_to(library).as_posix().encode())
        digest.update(Path(path).read_bytes())
    for path, _, _ in seeds:
        digest.update(Path(path).name.encode())
        digest.update(Path(path).read_bytes())
    digest.update(repr(versions).encode())
    return digest.hexdigest()[:16]


def file_sha256(path: Path) -> str:
    """SHA-256 of a file read in 1 MB chunks: memory stays flat whatever the file's size."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class KeyedPlan:
    key: str
    plan: PlanFile
    sha256: str


class HashIndex:
    """Remembers the content hash of each file by (size, mtime), so unchanged files are not re-read."""

    def __init__(self, path: Path):
        self.path = path
        self.entries: dict[str, list] = _valid_hash_entries(path)
        self.changed = False

    def sha256(self, plan: PlanFile) -> str:
        stamp = [plan.size_bytes, int(plan.modified_at * 1e9)]
        entry = self.entries.get(plan.relative_path)
        if entry and entry[:2] == stamp:
            return entry[2]
        digest = file_sha256(plan.path)
        self.entries[plan.relative_path] = [*stamp, digest]
        self.changed = True
        return digest

    def save(self, keep: set[str]) -> None:
        self.entries = {k: v for k, v in self.entries.items() if k in keep}
        write_json_atomic(self.path, self.entries)


def _valid_hash_entries(path: Path) -> dict[str, list]:
    """The cached hashes that are well formed; a damaged cache only costs re-hashing."""
    try:
        loaded = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {
        name: entry
        for name, entry in loaded.items()
        if isinstance(entry, list)
        and len(entry) == 3
        and all(isinstance(v, int) and not isinstance(v, bool) for v in entry[:2])
        and isinstance(entry[2], str)
        and re.fullmatch(r"[0-9a-f]{64}", entry[2])
    }


def key_plans(files: list[PlanFile], store_dir: Path) -> tuple[list[KeyedPlan], list[dict[str, Any]]]:
    """Keys for every readable file (hashes cached by size and mtime); unreadable files are rejections."""
    index = HashIndex(store_dir / "_hashes.json")
    keyed: list[KeyedPlan] = []
    refused: list[dict[str, Any]] = []
    for plan in files:
        if plan.size_bytes > MAX_PLAN_BYTES:  # refused from its size alone: never hashed, never read
            refused.append(
                rejection(plan.relative_path, "discover", "too_large", too_large_message(plan.size_bytes))
            )
            continue
        try:
            digest = index.sha256(plan)
        except OSError as exc:
            refused.append(
                rejection(plan.relative_path, "discover", "unreadable", f"cannot read the file: {exc}")
            )
            continue
        keyed.append(KeyedPlan(plan_key(plan.relative_path, digest), plan, digest))
    if index.changed or len(index.entries) != len(keyed):
        store_dir.mkdir(parents=True, exist_ok=True)
        index.save({k.plan.relative_path for k in keyed})
    return keyed, refused


def _empty_record(keyed: KeyedPlan, fingerprint: str) -> dict[str, Any]:
    return {
        "key": keyed.key,
        "file_name": keyed.plan.relative_path,
        "fingerprint": fingerprint,
        "document": None,
        "targets": [],
        "citations": [],
        "themes": [],
        "rejections": [],
    }


def _failure(exc: BaseException) -> tuple[str, str]:
    """Reason code and message for an unexpected exception while extracting one plan."""
    if isinstance(exc, MemoryError):
        return "too_large_in_memory", (
            "reading this plan needed more memory than one plan may use (KHCN_PLAN_MEMORY_MB); "
            "check the file (embedded scans, a whole book in one file) or raise the limit"
        )
    return "extractor_error", f"{type(exc).__name__}: {exc}"


def extract_plan(
    keyed: KeyedPlan, gazetteer: Gazetteer, catalog: Catalog, lexicon: Lexicon, fingerprint: str
) -> dict[str, Any]:
    """Everything read from one plan file, as one JSON-ready record; never raises for one plan.

    Bad input is a rejection with its reader's code; an unexpected exception anywhere (the reader,
    the metadata, an extractor) is a rejection too (`extractor_error`, or `too_large_in_memory`
    for a MemoryError), so no exception from one document can stop the others.
    """
    record = _empty_record(keyed, fingerprint)
    name = keyed.plan.relative_path
    try:
        document = read_document(keyed.plan, gazetteer)
    except UnreadableDocument as exc:
        record["rejections"].append(rejection(name, "read", exc.code, str(exc)))
        return record
    except Exception as exc:  # a bug in a reader or in the metadata must not stop the run
        record["rejections"].append(rejection(name, "read", *_failure(exc)))
        return record
    if document["source_sha256"] != keyed.sha256:
        # The file was rewritten between listing and reading (a copy still in progress): keep nothing
        # half-read; its new content has a new key and is read on the next run.
        record["rejections"].append(
            rejection(
                name,
                "read",
                "changed_while_reading",
                "the file changed while it was being read (still being copied?); it will be read again on the next run",
            )
        )
        return record
    record["document"] = document
    steps = (
        ("targets", "extract_targets", lambda: targets_for_document(document, catalog)),
        ("citations", "extract_citations", lambda: citations_for_document(document)),
        (
            "themes",
            "extract_themes",
            lambda: theme_mentions(document["document_id"], document["text_normalized"], lexicon),
        ),
    )
    for field, stage, run in steps:
        try:
            record[field] = run()
        except Exception as exc:  # a bug on one document must not stop the others, nor its other parts
            record["rejections"].append(rejection(name, stage, *_failure(exc), document["document_id"]))
    return record


def _load_references() -> None:
    """Worker warm-up: load the gazetteer, catalog and lexicon (cached) before any plan's budget starts."""
    Gazetteer.load()
    load_catalog()
    load_lexicon()


def _extract_with_loaded_references(keyed: KeyedPlan, fingerprint: str) -> dict[str, Any]:
    """Worker-side entry: each process loads the gazetteer, catalog and lexicon once (cached)."""
    try:
        return extract_plan(keyed, Gazetteer.load(), load_catalog(), load_lexicon(), fingerprint)
    except MemoryError as exc:  # raised outside extract_plan's own guards (building the record)
        return _budget_record(keyed, fingerprint, *_failure(exc))


def _extract_one(item: tuple[KeyedPlan, str]) -> dict[str, Any]:
    return _extract_with_loaded_references(*item)


def _budget_record(keyed: KeyedPlan, fingerprint: str, code: str, message: str) -> dict[str, Any]:
    """The record of a plan whose extraction was stopped; it remembers the budget it ran under."""
    record = _empty_record(keyed, fingerprint)
    record["rejections"].append(rejection(keyed.plan.relative_path, "extract", code, message))
    record["budget"] = Budget.from_env().label
    return record


def extraction_workers(plans: int) -> int:
    """Processes to extract with: KHCN_WORKERS, else one per core; one for small batches (start-up costs)."""
    configured = int(os.environ.get("KHCN_WORKERS") or 0) or (os.cpu_count() or 1)
    return 1 if plans < 40 else max(1, configured)


def extract_many(
    plans: list[KeyedPlan], fingerprint: str, workers: int = 1, budget: Budget | None = None
) -> Iterator[dict[str, Any]]:
    """Extract plans in order, each in a worker process within its time and memory budget.

    Extraction is pure per plan and results are yielded in input order, so they do not depend on
    the number of processes. With the time budget off (KHCN_PLAN_TIMEOUT_S=0) and one worker,
    plans are extracted in this process, as before budgets existed.
    """
    budget = budget or Budget.from_env()
    if not plans:
        return
    if workers <= 1 and not budget.timed:
        for keyed in plans:
            yield _extract_with_loaded_references(keyed, fingerprint)
        return
    yield from run_budgeted(
        [(keyed, fingerprint) for keyed in plans],
        _extract_one,
        _load_references,
        lambda item, code, message: _budget_record(item[0], fingerprint, code, message),
        workers=workers,
        budget=budget,
    )


# The head of every stored result: what `is_current` needs, at a fixed place, without parsing.
_HEAD = re.compile(
    rb'\A\{"fingerprint": "(?P<fp>[0-9a-f]+)", "store_bytes": "(?P<size>\d{12})", '
    rb'"store_sha256": "(?P<sha>[0-9a-f]{64})", "store_budget": "(?P<budget>[^"]*)", '
)
_RECORD_LISTS = ("targets", "citations", "themes", "rejections")


class ExtractionStore:
    """Per-plan extraction results on disk (`<key>.json`), written atomically, verified when read.

    A result is trusted only if it is complete. Each file is one JSON object whose head holds the
    fingerprint, the file's exact length and the SHA-256 of everything after the head (written at
    fixed positions, so no parsing is needed). `is_current` checks the fingerprint, the length
    (a file that lost its tail or grew one) and the checksum (bytes changed in place, non-UTF-8
    bytes), streaming the file in chunks: about a millisecond per plan, far less than reading the
    plan again, and nothing a damaged file can crash. `read` also parses it and checks its shape;
    an entry that fails is deleted, so it is re-extracted by the next run. A result stopped by the
    budget is current only under the same budget, and a forced run (KHCN_FORCE) treats none as
    current.
    """

    def __init__(self, root: Path, force: bool | None = None):
        self.root = root
        self.force = bool(os.environ.get("KHCN_FORCE")) if force is None else force

    def path(self, key: str) -> Path:
        return self.root / f"{key}.json"

    def is_current(self, key: str, fingerprint: str) -> bool:
        if self.force:
            return False
        verified = self._verified_head(self.path(key))
        if verified is None or verified["fp"] != fingerprint.encode():
            return False
        return verified["budget"] in (b"", Budget.from_env().label.encode())

    def _verified_head(self, path: Path) -> dict[str, bytes] | None:
        """The head fields of a complete, unaltered entry, or None."""
        try:
            with path.open("rb") as handle:
                head = _HEAD.match(handle.read(256))
                if head is None or os.fstat(handle.fileno()).st_size != int(head["size"]):
                    return None
                handle.seek(head.end())
                digest = hashlib.sha256()
                while chunk := handle.read(HASH_CHUNK):
                    digest.update(chunk)
        except OSError:
            return None
        return head.groupdict() if digest.hexdigest().encode() == head["sha"] else None

    def write(self, record: dict[str, Any]) -> None:
        rest = {k: v for k, v in record.items() if k not in ("fingerprint", "budget")}
        body = json.dumps(rest, ensure_ascii=False).encode("utf-8")[1:]  # without its "{"
        budget = record.get("budget", "")
        head_template = (
            '{{"fingerprint": "{fp}", "store_bytes": "{size:012d}", "store_sha256": "{sha}", '
            '"store_budget": "{budget}", '
        )
        sha = hashlib.sha256(body).hexdigest()
        probe = head_template.format(fp=record["fingerprint"], size=0, sha=sha, budget=budget)
        size = len(probe.encode()) + len(body)
        head = head_template.format(fp=record["fingerprint"], size=size, sha=sha, budget=budget)
        _write_bytes_atomic(self.path(record["key"]), head.encode() + body)

    def read(self, key: str) -> dict[str, Any] | None:
        """The stored result, or None when missing or damaged (a damaged entry is removed)."""
        path = self.path(key)
        if not path.exists():
            return None
        record = None
        if self._verified_head(path) is not None:
            try:
                record = json.loads(path.read_bytes().decode("utf-8"))
            except (OSError, ValueError):
                record = None
        if not _well_formed(record, key):
            path.unlink(missing_ok=True)
            return None
        return {k: v for k, v in record.items() if not k.startswith("store_")}

    def prune(self, keep: set[str]) -> int:
        """Delete results of plans no longer in the folder; returns how many were removed."""
        removed = 0
        for path in self.root.glob("*.json"):
            if not path.name.startswith(("_", ".")) and path.stem not in keep:
                path.unlink(missing_ok=True)
                removed += 1
        return removed


def _well_formed(record: Any, key: str) -> bool:
    """Does a parsed entry have the shape every reader of the store relies on?"""
    if (
        not isinstance(record, dict)
        or record.get("key") != key
        or not isinstance(record.get("file_name"), str)
    ):
        return False
    if not all(isinstance(record.get(field), list) for field in _RECORD_LISTS):
        return False
    lists_ok = all(isinstance(row, dict) for field in _RECORD_LISTS for row in record[field])
    return lists_ok and (record.get("document") is None or isinstance(record["document"], dict))


def _write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write beside, flush to disk, then rename: neither a kill nor a power cut leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, payload: Any) -> None:
    """Write beside, then rename: a killed run never leaves a truncated file in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
