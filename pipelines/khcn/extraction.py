"""One plan file in, everything we read from it out; stored per plan so nights are incremental.

Each plan file gets a stable key (ASCII slug of its name + short hash of its bytes). The
extraction result of a key is written to `data/extracted/<key>.json` together with the
fingerprint of the code and reference data that produced it. A night with no new plan
reads no plan again; a change to the extraction code, the indicator catalog or the theme
lexicon changes the fingerprint and so re-extracts everything, because results may change.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import tempfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import Any

from pipelines.khcn.catalog import DEFAULT_CATALOG, Catalog, load_catalog
from pipelines.khcn.citations import citations_for_document
from pipelines.khcn.documents import PlanFile, RejectedInput, read_document, rejection
from pipelines.khcn.gazetteer import Gazetteer
from pipelines.khcn.targets import targets_for_document
from pipelines.khcn.text import fold_diacritics
from pipelines.khcn.themes import DEFAULT_LEXICON, Lexicon, load_lexicon, theme_mentions

LIBRARY_DIR = Path(__file__).resolve().parent
STORE_FORMAT = 1


def plan_key(relative_path: str, content_sha256: str) -> str:
    """Partition key of a plan: readable, ASCII, unique per content ("ke-hoach-so-12-3f9a1c0b2d")."""
    stem = Path(relative_path).with_suffix("").as_posix()
    slug = re.sub(r"[^a-z0-9]+", "-", fold_diacritics(stem)).strip("-")[:48] or "plan"
    return f"{slug}-{content_sha256[:10]}"


def code_fingerprint(catalog_path: Path = DEFAULT_CATALOG, lexicon_path: Path = DEFAULT_LEXICON) -> str:
    """Hash of everything that decides what is extracted: library code, catalog, theme lexicon."""
    return _fingerprint(
        tuple(sorted((p.name, p.stat().st_mtime_ns) for p in LIBRARY_DIR.glob("*.py"))),
        (str(catalog_path), catalog_path.stat().st_mtime_ns),
        (str(lexicon_path), lexicon_path.stat().st_mtime_ns),
    )


@lru_cache(maxsize=8)
def _fingerprint(sources: tuple, catalog: tuple, lexicon: tuple) -> str:
    digest = hashlib.sha256(f"format {STORE_FORMAT}".encode())
    for name, _ in sources:
        digest.update(name.encode())
        digest.update((LIBRARY_DIR / name).read_bytes())
    for path, _ in (catalog, lexicon):
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class KeyedPlan:
    key: str
    plan: PlanFile
    sha256: str


class HashIndex:
    """Remembers the content hash of each file by (size, mtime), so unchanged files are not re-read."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.entries: dict[str, list] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}
        self.changed = False

    def sha256(self, plan: PlanFile) -> str:
        stamp = [plan.size_bytes, int(plan.modified_at * 1e9)]
        entry = self.entries.get(plan.relative_path)
        if entry and entry[:2] == stamp:
            return entry[2]
        digest = hashlib.sha256(plan.path.read_bytes()).hexdigest()
        self.entries[plan.relative_path] = [*stamp, digest]
        self.changed = True
        return digest

    def save(self, keep: set[str]) -> None:
        self.entries = {k: v for k, v in self.entries.items() if k in keep}
        write_json_atomic(self.path, self.entries)


def key_plans(files: list[PlanFile], store_dir: Path) -> tuple[list[KeyedPlan], list[dict[str, Any]]]:
    """Keys for every readable file (hashes cached by size and mtime); unreadable files are rejections."""
    index = HashIndex(store_dir / "_hashes.json")
    keyed: list[KeyedPlan] = []
    refused: list[dict[str, Any]] = []
    for plan in files:
        try:
            digest = index.sha256(plan)
        except OSError as exc:
            refused.append(
                rejection(plan.relative_path, "discover", "unreadable", f"cannot read the file: {exc}")
            )
            continue
        keyed.append(KeyedPlan(plan_key(plan.relative_path, digest), plan, digest))
    if index.changed or len(index.entries) != len(files):
        store_dir.mkdir(parents=True, exist_ok=True)
        index.save({p.relative_path for p in files})
    return keyed, refused


def extract_plan(
    keyed: KeyedPlan, gazetteer: Gazetteer, catalog: Catalog, lexicon: Lexicon, fingerprint: str
) -> dict[str, Any]:
    """Everything read from one plan file, as one JSON-ready record; never raises for bad input."""
    record: dict[str, Any] = {
        "key": keyed.key,
        "file_name": keyed.plan.relative_path,
        "fingerprint": fingerprint,
        "document": None,
        "targets": [],
        "citations": [],
        "themes": [],
        "rejections": [],
    }
    try:
        document = read_document(keyed.plan, gazetteer)
    except RejectedInput as exc:
        record["rejections"].append(rejection(keyed.plan.relative_path, "read", exc.code, str(exc)))
        return record
    if document["source_sha256"] != keyed.sha256:
        # The file was rewritten between listing and reading (a copy still in progress): keep nothing
        # half-read; its new content has a new key and is read on the next run.
        record["rejections"].append(
            rejection(
                keyed.plan.relative_path,
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
            record["rejections"].append(
                rejection(
                    keyed.plan.relative_path,
                    stage,
                    "extractor_error",
                    f"{type(exc).__name__}: {exc}",
                    document["document_id"],
                )
            )
    return record


def _extract_with_loaded_references(keyed: KeyedPlan, fingerprint: str) -> dict[str, Any]:
    """Worker-side entry: each process loads the gazetteer, catalog and lexicon once (cached)."""
    return extract_plan(keyed, Gazetteer.load(), load_catalog(), load_lexicon(), fingerprint)


def extraction_workers(plans: int) -> int:
    """Processes to extract with: KHCN_WORKERS, else one per core; one for small batches (start-up costs)."""
    configured = int(os.environ.get("KHCN_WORKERS") or 0) or (os.cpu_count() or 1)
    return 1 if plans < 40 else max(1, configured)


def extract_many(plans: list[KeyedPlan], fingerprint: str, workers: int = 1) -> Iterator[dict[str, Any]]:
    """Extract plans in order, fanned out over `workers` processes when more than one.

    Extraction is pure per plan, so results do not depend on the number of processes.
    """
    if workers <= 1:
        for keyed in plans:
            yield _extract_with_loaded_references(keyed, fingerprint)
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield from pool.map(_extract_with_loaded_references, plans, repeat(fingerprint), chunksize=16)


class ExtractionStore:
    """Per-plan extraction results on disk (`<key>.json`), written atomically."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, key: str) -> Path:
        return self.root / f"{key}.json"

    def is_current(self, key: str, fingerprint: str) -> bool:
        try:
            with self.path(key).open(encoding="utf-8") as handle:
                head = handle.read(400)
        except OSError:
            return False
        match = re.search(r'"fingerprint":\s*"([0-9a-f]+)"', head)
        return bool(match and match.group(1) == fingerprint)

    def write(self, record: dict[str, Any]) -> None:
        # fingerprint first, so is_current can read it without parsing the whole file
        ordered = {
            "fingerprint": record["fingerprint"],
            **{k: v for k, v in record.items() if k != "fingerprint"},
        }
        write_json_atomic(self.path(record["key"]), ordered)

    def read(self, key: str) -> dict[str, Any] | None:
        try:
            return json.loads(self.path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def prune(self, keep: set[str]) -> int:
        """Delete results of plans no longer in the folder; returns how many were removed."""
        removed = 0
        for path in self.root.glob("*.json"):
            if not path.name.startswith("_") and path.stem not in keep:
                path.unlink(missing_ok=True)
                removed += 1
        return removed


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


DBT_PROJECT = LIBRARY_DIR.parents[1] / "dbt_project"


def build_fingerprint(data_dir: Path) -> str:
    """Everything a build depends on: the plans (by content), the extraction code and catalogs,
    the dbt project and the analysts' reference statistics. Equal fingerprints, equal outputs."""
    from pipelines.khcn.documents import discover_plan_files

    files, refused = discover_plan_files(data_dir / "raw" / "plans")
    keyed, _ = key_plans(files, data_dir / "extracted")
    digest = hashlib.sha256(code_fingerprint().encode())
    for key in sorted(k.key for k in keyed) + sorted(r["file_name"] for r in refused):
        digest.update(key.encode())
    inputs = [
        p
        for folder in ("models", "seeds", "macros")
        for p in (DBT_PROJECT / folder).rglob("*")
        if p.is_file()
    ]
    inputs += [DBT_PROJECT / "dbt_project.yml", *sorted((data_dir / "raw" / "reference").glob("*.csv"))]
    # the dashboard code builds the site: a change to it is a change to the outputs
    inputs += [
        p
        for p in (DBT_PROJECT.parent / "dashboards").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    ]
    for path in sorted(inputs):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build_state_path(data_dir: Path) -> Path:
    return data_dir / ".last_build.json"


def record_build(data_dir: Path) -> None:
    """Called when a build's exports are in place."""
    write_json_atomic(build_state_path(data_dir), {"fingerprint": build_fingerprint(data_dir)})


def build_is_current(data_dir: Path) -> bool:
    """True when nothing a build depends on changed since the last one that exported its marts."""
    try:
        saved = json.loads(build_state_path(data_dir).read_text(encoding="utf-8"))["fingerprint"]
    except (OSError, ValueError, KeyError):
        return False
    marts = data_dir / "marts"
    outputs = all(
        p.exists()
        for p in (data_dir / "warehouse.duckdb", marts / "khcn_benchmark.xlsx", marts / "dashboard")
    )
    return outputs and saved == build_fingerprint(data_dir)
