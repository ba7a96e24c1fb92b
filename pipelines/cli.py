"""`khcn` command line: the same library functions the pipeline uses, one file at a time."""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
import time
from pathlib import Path

from pipelines.evaluation.explain import add_explain_command
from pipelines.evaluation.metadata import evaluate_metadata, format_metadata_report
from pipelines.evaluation.reviews import calibration_command, reviews_command
from pipelines.evaluation.targets import evaluate, format_report
from pipelines.formats.dispatch import SUPPORTED_SUFFIXES
from pipelines.formats.errors import MAX_PLAN_BYTES
from pipelines.gazetteer.units import Gazetteer
from pipelines.settings import LABELLED_SETS_DIR, Settings
from pipelines.store.extraction import KeyedPlan, code_fingerprint, extract_plan, file_sha256, plan_key
from pipelines.store.plan_files import PlanFile, build_document, discover_plan_files
from pipelines.targets.catalog import Catalog, load_catalog
from pipelines.targets.confidence import with_review_fields
from pipelines.targets.extract import targets_and_decisions
from pipelines.themes import Lexicon, load_lexicon

DOCUMENT_FIELDS = (
    "province_name",
    "province_code",
    "doc_type",
    "doc_number",
    "issue_date",
    "issue_year",
    "issue_month",
    "issuer",
    "issuer_level",
    "title",
    "period_start",
    "period_end",
    "horizon_year",
    "signer",
    "flags",
)


def extract_file(path: str, gazetteer: Gazetteer, catalog: Catalog, lexicon: Lexicon | None = None) -> dict:
    """One JSON-ready record for one file, read by the pipeline's own per-plan function.

    `extraction.extract_plan` does what a run does (symbolic links refused, size checked before
    reading, metadata, targets, citations and themes) and never raises for one file. A file that
    cannot be read is `{"file", "error", "reason_code"}`; a step that failed on a readable file is
    listed under "rejections" (and makes the exit code 1).
    """
    plan = _plan_file(Path(path), path)
    keyed = KeyedPlan(plan_key(path, "0" * 64), plan, _content_sha256(plan))
    record = extract_plan(keyed, gazetteer, catalog, lexicon or load_lexicon(), code_fingerprint())
    document = record["document"]
    if document is None:
        first = record["rejections"][0]
        return {"file": path, "error": first["reason"], "reason_code": first["reason_code"]}
    record["targets"] = with_review_fields(record["targets"])  # target_id, confidence, review_status
    out = {
        "file": path,
        "document": {key: document.get(key) for key in DOCUMENT_FIELDS},
        **{
            field: [{k: v for k, v in row.items() if k != "document_id"} for row in record[field]]
            for field in ("targets", "citations", "themes")
        },
    }
    if record["rejections"]:
        out["rejections"] = record["rejections"]
    return out


def _plan_file(path: Path, name: str) -> PlanFile:
    """A PlanFile from the link itself (lstat): the reader refuses links, it never follows one."""
    try:
        info = path.lstat()
    except OSError:
        return PlanFile(path, name, 0, 0.0)  # the reader reports why it cannot be read
    return PlanFile(path, name, info.st_size, info.st_mtime)


def _content_sha256(plan: PlanFile) -> str:
    """The file's hash when it will be read (a regular file within the size limit), else blank."""
    try:
        info = plan.path.lstat()
    except OSError:
        return ""
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_PLAN_BYTES:
        return ""
    try:
        return file_sha256(plan.path)
    except OSError:
        return ""


def _extract(args: argparse.Namespace) -> int:
    gazetteer = Gazetteer.load()
    catalog = load_catalog()
    lexicon = load_lexicon()
    failed = False
    started, records = time.monotonic(), []
    for path in args.files:
        record = extract_file(path, gazetteer, catalog, lexicon)
        failed = failed or "error" in record or bool(record.get("rejections"))
        print(json.dumps(record, ensure_ascii=False, indent=2 if args.pretty else None), flush=True)
        records.append({k: record[k] for k in ("error", "targets") if k in record})
    if len(records) > 1:  # many files: the same closing summary as `make run`, on stderr
        from pipelines.lib.console import extract_summary

        print("\n".join(extract_summary(records, time.monotonic() - started)), file=sys.stderr)
    return 1 if failed else 0


def _eval(args: argparse.Namespace) -> int:
    gazetteer = Gazetteer.load()
    catalog = load_catalog()

    documents: dict[Path, dict] = {}

    def extract(path: Path) -> tuple[str, list[dict]]:
        document = documents[path] = build_document(path.name, path.read_bytes(), gazetteer)
        return document["text_normalized"], *targets_and_decisions(document, catalog)

    if args.calibration or args.reviews:  # issue 11: confidence bands, or the decisions as labels
        return _eval_reviews(args, gazetteer, catalog, extract)
    label_files = sorted(p for d in args.labels for p in (d.glob("*.json") if d.is_dir() else [d]))
    score = evaluate(label_files, [args.plans], extract)
    metadata = evaluate_metadata(
        label_files,
        [args.plans],
        lambda path: documents.get(path) or build_document(path.name, path.read_bytes(), gazetteer),
    )
    if args.json:
        print(json.dumps({**score.as_dict(), "metadata": metadata.as_dict()}, ensure_ascii=False, indent=2))
    else:
        print(format_report(score) + "\n\n" + format_metadata_report(metadata))
    ok = score.precision >= args.min_precision and score.recall >= args.min_recall
    return 0 if ok else 1


def _eval_reviews(args: argparse.Namespace, gazetteer: Gazetteer, catalog: Catalog, extract) -> int:
    """`--calibration` (confidence bands on the labelled sets) or `--reviews DIR` (see review_eval)."""
    if args.calibration:
        return calibration_command(args.plans, lambda path: extract(path)[:2], args.json)

    def extract_all(folder: Path) -> list[dict]:
        lexicon = load_lexicon()
        files = [plan.path for plan in discover_plan_files(folder)[0]]  # the plans a run reads, hidden too
        return [
            t for p in files for t in extract_file(str(p), gazetteer, catalog, lexicon).get("targets", [])
        ]

    return reviews_command(args.reviews, args.plans, extract_all, catalog.codes, args.json)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="khcn", description="Read Vietnamese S&T plans into structured records."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="print one JSON object per input file")
    extract.add_argument("files", nargs="+", help=f"plan files ({', '.join(SUPPORTED_SUFFIXES)})")
    extract.add_argument("--pretty", action="store_true", help="indent the JSON (not one line per file)")
    extract.set_defaults(handler=_extract)
    scoring = commands.add_parser("eval", help="score target extraction against labelled plans")
    scoring.add_argument(
        "labels",
        nargs="*",
        type=Path,
        default=[LABELLED_SETS_DIR / "golden", LABELLED_SETS_DIR / "synthetic"],
        help="label JSON files or folders (default: the repository's golden and synthetic labels)",
    )
    scoring.add_argument(
        "--plans", type=Path, default=Settings.from_env().plan_dir, help="where plan files are"
    )
    scoring.add_argument("--json", action="store_true", help="machine-readable output")
    scoring.add_argument("--min-precision", type=float, default=0.0, help="exit 1 below this precision")
    scoring.add_argument("--min-recall", type=float, default=0.0, help="exit 1 below this recall")
    scoring.add_argument(
        "--calibration", action="store_true", help="records right per confidence band (first-sight, tuned)"
    )
    scoring.add_argument("--reviews", type=Path, help="score the plans against the decisions in this folder")
    scoring.set_defaults(handler=_eval)
    add_explain_command(commands)
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except BrokenPipeError:
        # The reader of our output went away (`khcn extract … | head -1`): stop quietly. Python
        # would flush stdout again at exit and print a traceback; point it at /dev/null first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
