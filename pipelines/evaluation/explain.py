"""`khcn explain FILE`: every number of a plan, what the extractor decided and why.

"Why is this number missing?" takes one command: each number is printed with its section, its
position in the normalised text, its decision (`target`, `past_result`, `date`, `norm` …), the
reason and the catalog indicator its phrase matched. The file is read by the same reader as a
run, so every supported format (.txt, .md, .docx, .pdf, .html) can be explained.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from pipelines.formats.errors import UnreadableDocument
from pipelines.gazetteer.units import Gazetteer
from pipelines.store.plan_files import build_document
from pipelines.targets.catalog import Catalog, load_catalog
from pipelines.targets.extract import Decision, Target, explain_document
from pipelines.text.numerals import as_int_if_whole


def decision_rows(document: dict, catalog: Catalog) -> list[dict]:
    """One JSON-ready row per number: decision, reason, catalog match, and the target if it is one."""
    extraction = explain_document(document, catalog)
    rows = []
    for decision in extraction.decisions:
        row = {
            "section": decision.section,
            "char_start": decision.char_start,
            "char_end": decision.char_end,
            "number": decision.text,
            "decision": decision.kind,
            "reason": decision.reason,
            "indicator": decision.indicator,
        }
        if decision.target is not None:
            row["target"] = _target_summary(decision.target)
        rows.append(row)
    return rows


def _target_summary(target: Target) -> dict:
    return {
        "value_min": as_int_if_whole(target.value_min),
        "value_max": as_int_if_whole(target.value_max),
        "unit": target.unit,
        "bound": target.bound,
        "target_type": target.target_type,
        "target_year": target.target_year,
        "quote": target.quote,
    }


def format_rows(path: str, rows: list[dict]) -> str:
    """Plain text: one line per number, then the count of decisions by kind."""
    kinds = Counter(r["decision"] for r in rows)
    lines = [f"{path}: {len(rows)} numbers, {kinds.get('target', 0)} targets"]
    for row in rows:
        detail = ""
        if "target" in row:
            t = row["target"]
            value = (
                t["value_min"] if t["value_min"] == t["value_max"] else f"{t['value_min']}–{t['value_max']}"
            )
            detail = f"  → {t['bound']} {value} {t['unit'] or ''} ({t['target_year']})"
        lines.append(
            f"  {row['section'] or '-':<10} @{row['char_start']:<7} {row['number'][:24]!r:<26} "
            f"{row['decision']:<15} {row['reason']:<28} {row['indicator'] or '':<24}{detail}"
        )
    lines.append("  decisions: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    return "\n".join(lines)


def _explain(args: argparse.Namespace) -> int:
    gazetteer = Gazetteer.load()
    catalog = load_catalog()
    failed = False
    for path in args.files:
        try:
            document = build_document(Path(path).name, Path(path).read_bytes(), gazetteer)
        except (OSError, UnreadableDocument) as exc:
            print(f"{path}: cannot be read: {exc}")
            failed = True
            continue
        rows = decision_rows(document, catalog)
        if args.json:
            print(json.dumps({"file": path, "numbers": rows}, ensure_ascii=False), flush=True)
        else:
            print(format_rows(path, rows), flush=True)
    return 1 if failed else 0


def add_explain_command(commands) -> None:
    """Register `khcn explain` on the CLI's subcommands."""
    explain = commands.add_parser("explain", help="print every number of a plan with its decision and reason")
    explain.add_argument("files", nargs="+", help="plan files (.txt, .md, .docx, .pdf, .html)")
    explain.add_argument("--json", action="store_true", help="one JSON object per file")
    explain.set_defaults(handler=_explain)


__all__ = ["Decision", "add_explain_command", "decision_rows", "format_rows"]
