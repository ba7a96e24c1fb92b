"""`khcn` command line: the same library functions the pipeline uses, one file at a time."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipelines.khcn.documents import RejectedInput, build_document
from pipelines.khcn.gazetteer import Gazetteer

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
    "signer",
    "flags",
)


def extract_file(path: str, gazetteer: Gazetteer) -> dict:
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
        "targets": [],
        "citations": [],
    }


def _extract(args: argparse.Namespace) -> int:
    gazetteer = Gazetteer.load()
    failed = False
    for path in args.files:
        record = extract_file(path, gazetteer)
        failed = failed or "error" in record
        print(json.dumps(record, ensure_ascii=False, indent=2 if args.pretty else None), flush=True)
    return 1 if failed else 0


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
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
