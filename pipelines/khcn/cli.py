"""`khcn` command line: the same library functions the pipeline uses, one file at a time."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipelines.khcn.catalog import Catalog, load_catalog
from pipelines.khcn.citations import citations_for_document
from pipelines.khcn.documents import RejectedInput, build_document
from pipelines.khcn.evaluate import evaluate, format_report
from pipelines.khcn.evaluate_metadata import evaluate_metadata, format_metadata_report
from pipelines.khcn.gazetteer import Gazetteer
from pipelines.khcn.targets import targets_for_document

REPO = Path(__file__).resolve().parents[2]

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


def extract_file(path: str, gazetteer: Gazetteer, catalog: Catalog) -> dict:
    """One JSON-ready record for one file: the document, its targets and citations, or an error."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return {"file": path, "error": f"cannot read the file: {exc.strerror or exc}"}
    try:
        document = build_document(path, data, gazetteer)
    except RejectedInput as exc:
        return {"file": path, "error": str(exc)}
    return {
        "file": path,
        "document": {key: document[key] for key in DOCUMENT_FIELDS},
        "targets": [
            {k: v for k, v in target.items() if k != "document_id"}
            for target in targets_for_document(document, catalog)
        ],
        "citations": [
            {k: v for k, v in citation.items() if k != "document_id"}
            for citation in citations_for_document(document)
        ],
    }


def _extract(args: argparse.Namespace) -> int:
    gazetteer = Gazetteer.load()
    catalog = load_catalog()
    failed = False
    for path in args.files:
        record = extract_file(path, gazetteer, catalog)
        failed = failed or "error" in record
        print(json.dumps(record, ensure_ascii=False, indent=2 if args.pretty else None), flush=True)
    return 1 if failed else 0


def _eval(args: argparse.Namespace) -> int:
    gazetteer = Gazetteer.load()
    catalog = load_catalog()

    documents: dict[Path, dict] = {}

    def extract(path: Path) -> tuple[str, list[dict]]:
        document = documents[path] = build_document(path.name, path.read_bytes(), gazetteer)
        return document["text_normalized"], targets_for_document(document, catalog)

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="khcn", description="Read Vietnamese S&T plans into structured records."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="print one JSON object per input file")
    extract.add_argument("files", nargs="+", help="plan files (.txt, .md)")
    extract.add_argument("--json", action="store_true", default=True, help="JSON Lines output (the default)")
    extract.add_argument("--pretty", action="store_true", help="indent the JSON (not one line per file)")
    extract.set_defaults(handler=_extract)
    scoring = commands.add_parser("eval", help="score target extraction against labelled plans")
    scoring.add_argument(
        "labels",
        nargs="*",
        type=Path,
        default=[REPO / "tests" / "fixtures" / "golden", REPO / "tests" / "fixtures" / "synthetic"],
        help="label JSON files or folders (default: the repository's golden and synthetic labels)",
    )
    scoring.add_argument(
        "--plans", type=Path, default=REPO / "data" / "raw" / "plans", help="where plan files are"
    )
    scoring.add_argument("--json", action="store_true", help="machine-readable output")
    scoring.add_argument("--min-precision", type=float, default=0.0, help="exit 1 below this precision")
    scoring.add_argument("--min-recall", type=float, default=0.0, help="exit 1 below this recall")
    scoring.set_defaults(handler=_eval)
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
