"""Analyst review decisions: stable target ids, and the files analysts drop into data/raw/reviews/.

A decision names a target by `target_id`, which must survive re-extraction, a code change and a
renamed file. It is a hash of what an analyst checked: the document (document_id is itself the hash
of the normalised text, so a renamed file keeps it), the quote as written (whitespace and Unicode
normalised, case folded: a changed line wrap or tone-mark style does not change it) and the values.
Offsets, section and indicator are deliberately left out: they are what a code change may move or
re-read, and a changed indicator is what a `correct` decision fixes. The same quote with the same
values twice in one document (a table repeated in an appendix) gets an occurrence number.

Files: every `.csv` (header below) and `.xlsx` (its "Kiểm tra" sheet, as the workbook writes it) is
read; a file that cannot be read is refused whole with its reason, a row that breaks the contract is
refused with its reason, and nothing is dropped silently. Whether a target still exists, and whether
an added quote is in its document, is decided in the warehouse (dbt), where the current targets are.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from pathlib import Path

import pandera.polars as pa
import polars as pl

from pipelines.raw_tables.contracts import YEAR_MAX, YEAR_MIN, split_valid, values_ordered
from pipelines.text.normalize import normalize_unicode

CSV_COLUMNS = (
    "target_id",
    "document_id",
    "quote",
    "decision",
    "indicator_code",
    "value_min",
    "value_max",
    "target_year",
    "reviewer",
    "note",
)
OPTIONAL_COLUMNS = ("decided_at",)
DECISIONS = ("confirm", "reject", "correct", "add")
DECISIONS_VI = {"xác nhận": "confirm", "loại": "reject", "sửa": "correct", "thêm": "add"}
REVIEW_SHEET = "Kiểm tra"
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_REVIEW_BYTES = 10 * 1024 * 1024  # a review file is a few hundred rows; refuse anything far larger
ID_PATTERN = r"^[0-9a-f]{16}$"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORMULA = re.compile(r"^(?:[=@\t\r]|[+\-][A-Za-z_(])")
REVIEW_SCHEMA = {
    "file_name": pl.String,
    "row_number": pl.Int64,
    "decided_at": pl.Datetime("us"),
    "decision_order": pl.Int64,
    "target_id": pl.String,
    "document_id": pl.String,
    "quote": pl.String,
    "decision": pl.String,
    "indicator_code": pl.String,
    "value_min": pl.Float64,
    "value_max": pl.Float64,
    "target_year": pl.Int64,
    "reviewer": pl.String,
    "note": pl.String,
}
REJECTED_REVIEW_SCHEMA = {
    "file_name": pl.String,
    "row_number": pl.Int64,
    "target_id": pl.String,
    "decision": pl.String,
    "reason_code": pl.String,
    "reason": pl.String,
}


class ReviewFileError(ValueError):
    """A review file refused whole; `code` is the machine reason."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def normalise_quote(quote: str) -> str:
    """The quote as compared for identity: NFC with one tone convention, single spaces, case folded."""
    return " ".join(normalize_unicode(quote or "").split()).casefold()


def _number_key(value: float | int | None) -> str:
    return "" if value is None else repr(float(value))


def target_id(
    document_id: str, quote: str, value_min: float | None, value_max: float | None, occurrence: int = 0
) -> str:
    """The stable id of a target (16 hex digits): document, normalised quote, values, occurrence."""
    parts = [document_id, normalise_quote(quote), _number_key(value_min), _number_key(value_max)]
    if occurrence:
        parts.append(str(occurrence))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def assign_target_ids(targets: list[dict]) -> list[str]:
    """Ids for one document's targets (same order as given); identical (quote, values) pairs are
    numbered in text order, so a repeated table keeps distinct, stable ids."""
    ids: list[str] = [""] * len(targets)
    seen: dict[str, int] = {}
    for index in sorted(range(len(targets)), key=lambda i: targets[i].get("char_start") or 0):
        t = targets[index]
        key = (t["document_id"], t["quote"], t.get("value_min"), t.get("value_max"))
        base = target_id(*key)
        occurrence = seen.get(base, 0)
        seen[base] = occurrence + 1
        ids[index] = target_id(*key, occurrence)
    return ids


def _text(value: object) -> str | None:
    """A cell as trimmed text (None when blank); Excel numbers keep their digits (3.0 → "3")."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _CONTROL.sub("", str(value)).strip()  # control characters never reach a sheet or a page
    return text or None


def parse_number(text: str | None) -> float | None:
    """A value as an analyst types it: "1,5", "45.000", "1.5", "12"; ValueError when it is not a number."""
    if text is None:
        return None
    cleaned = text.replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?", cleaned):
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"-?\d+,\d+", cleaned):
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", cleaned):
        raise ValueError(f"“{text[:40]}” không phải là số")
    return float(cleaned)


def _decision(text: str | None) -> str | None:
    if text is None:
        return None
    folded = normalize_unicode(text).strip().casefold()
    return DECISIONS_VI.get(folded, folded)


def clean_row(raw: dict[str, object]) -> tuple[dict, str | None, str | None]:
    """One decision from a row of cells: (typed row, reason_code, reason); the reason is None when usable.

    What is checked here needs nothing but the row: a formula in any cell, the decision word, numbers,
    and which fields each decision needs. The contract (`review_contract`) then checks the typed values.
    """
    cells = {name: _text(raw.get(name)) for name in (*CSV_COLUMNS, *OPTIONAL_COLUMNS)}
    for name, value in cells.items():
        if value is not None and FORMULA.match(value):
            return (
                cells,
                "formula",
                f"ô “{name}” chứa công thức hoặc chữ giống công thức ({value[:30]!r}); hãy gõ giá trị, không gõ công thức",
            )
    row: dict = {k: cells[k] for k in ("target_id", "document_id", "indicator_code", "reviewer", "note")}
    row["quote"] = normalize_unicode(cells["quote"]) if cells["quote"] else None
    row["decision"] = _decision(cells["decision"])
    if row["decision"] not in DECISIONS:
        return (
            row,
            "unknown_decision",
            (
                f"quyết định không hợp lệ “{cells['decision']}”: dùng Xác nhận, Loại, Sửa hoặc Thêm "
                "(trong CSV: confirm, reject, correct, add)"
            ),
        )
    try:
        row["value_min"] = parse_number(cells["value_min"])
        row["value_max"] = parse_number(cells["value_max"])
        year = parse_number(cells["target_year"])
    except ValueError as exc:
        return row, "not_a_number", f"{exc}: value_min, value_max và target_year phải là số"
    if year is not None and not year.is_integer():
        return row, "not_a_number", f"target_year {cells['target_year']} không phải là một năm"
    row["target_year"] = int(year) if year is not None else None
    if row["value_max"] is None:
        row["value_max"] = row["value_min"]
    row["decided_at"] = _timestamp(cells["decided_at"])
    return row, *_needs(row)


def _timestamp(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        stamp = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return stamp.astimezone(dt.UTC).replace(tzinfo=None) if stamp.tzinfo else stamp


def _needs(row: dict) -> tuple[str | None, str | None]:
    """Which fields each decision needs; an `add` row gets its target_id from the rule."""
    decision = row["decision"]
    if decision == "add":
        if (
            not row["document_id"]
            or not row["quote"]
            or not row["indicator_code"]
            or row["value_min"] is None
        ):
            return "incomplete_add", "dòng Thêm (add) cần document_id, quote, indicator_code và value_min"
        row["target_id"] = target_id(row["document_id"], row["quote"], row["value_min"], row["value_max"])
        return None, None
    if not row["target_id"]:
        return "no_target_id", f"dòng {decision} phải ghi target_id của mục tiêu được quyết định"
    if decision == "correct" and all(
        row[k] is None for k in ("indicator_code", "value_min", "value_max", "target_year")
    ):
        return (
            "empty_correction",
            "dòng Sửa (correct) cần chỉ tiêu (indicator_code), giá trị hoặc năm (target_year) đã sửa",
        )
    return None, None


def review_contract(indicator_codes: set[str]) -> pa.DataFrameSchema:
    """What a decision row must satisfy before it enters the warehouse."""
    return pa.DataFrameSchema(
        {
            "target_id": pa.Column(str, pa.Check.str_matches(ID_PATTERN)),
            "document_id": pa.Column(str, pa.Check.str_matches(ID_PATTERN), nullable=True),
            "decision": pa.Column(str, pa.Check.isin(list(DECISIONS))),
            "indicator_code": pa.Column(str, pa.Check.isin(sorted(indicator_codes)), nullable=True),
            "target_year": pa.Column(int, pa.Check.in_range(YEAR_MIN, YEAR_MAX), nullable=True),
            "reviewer": pa.Column(str, pa.Check.str_length(max_value=200), nullable=True),
            "note": pa.Column(str, pa.Check.str_length(max_value=2000), nullable=True),
        },
        checks=[values_ordered("value_min không được lớn hơn value_max")],
        strict=False,
    )


def _refuse_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_REVIEW_BYTES:
        raise ReviewFileError(
            "too_large",
            f"tệp nặng {size / 1e6:.1f} MB; tệp kiểm tra tối đa {MAX_REVIEW_BYTES // 1_000_000} MB "
            "(hãy chia nhỏ, hoặc chỉ lưu trang “Kiểm tra”)",
        )


def _refuse_unpacked_size(path: Path) -> None:
    """A workbook is a zip: refuse one whose parts would unpack far beyond a review file (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return  # not a zip: openpyxl gives the reason
    if unpacked > MAX_UNPACKED_BYTES:
        raise ReviewFileError(
            "too_large",
            f"bảng tính giải nén ra {unpacked / 1e6:.0f} MB; tối đa 100 MB",
        )


def csv_rows(path: Path) -> list[tuple[int, dict]]:
    """(line number, cells) of a review CSV; ReviewFileError for a file that cannot be a review file."""
    _refuse_size(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReviewFileError("not_utf8", "tệp không phải văn bản UTF-8; hãy lưu dạng “CSV UTF-8”") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    _check_header(reader.fieldnames or [])
    rows = []
    for line, cells in enumerate(reader, start=2):
        if None in cells:
            cells = {**cells, "note": ",".join([cells.get("note") or "", *cells.pop(None)])}
        if any((v or "").strip() for v in cells.values() if isinstance(v, str)):
            rows.append((line, cells))
    return rows


def _check_header(names: list[str]) -> None:
    names = [(n or "").strip() for n in names]
    missing = [c for c in CSV_COLUMNS if c not in names]
    unknown = [n for n in names if n not in CSV_COLUMNS and n not in OPTIONAL_COLUMNS]
    if missing or unknown:
        raise ReviewFileError(
            "wrong_columns",
            f"dòng tiêu đề phải là {','.join(CSV_COLUMNS)} (có thể thêm decided_at); "
            f"thiếu: {', '.join(missing) or 'không'}; cột lạ: {', '.join(unknown) or 'không'}",
        )


def xlsx_rows(path: Path) -> list[tuple[int, dict]]:
    """(row number, cells) of the filled rows of a workbook's "Kiểm tra" sheet (a decision chosen)."""
    from openpyxl import load_workbook  # only needed for workbooks

    _refuse_size(path)
    _refuse_unpacked_size(path)
    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # not a workbook, damaged, encrypted: refuse the file with the reason
        raise ReviewFileError(
            "not_a_workbook", f"không mở được bảng tính: {type(exc).__name__}: {exc}"
        ) from None
    try:
        if REVIEW_SHEET not in book.sheetnames:
            raise ReviewFileError("no_review_sheet", f"bảng tính không có trang “{REVIEW_SHEET}”")
        rows = list(book[REVIEW_SHEET].iter_rows(values_only=True))
    finally:
        book.close()
    header_at = next((i for i, row in enumerate(rows[:6]) if "target_id" in row and "decision" in row), None)
    if header_at is None:
        raise ReviewFileError(
            "wrong_columns", f"trang “{REVIEW_SHEET}” không có dòng tên máy (target_id, decision …)"
        )
    names = [str(n).strip() if n is not None else "" for n in rows[header_at]]
    missing = [c for c in CSV_COLUMNS if c not in names]
    if missing:
        raise ReviewFileError("wrong_columns", f"trang “{REVIEW_SHEET}” thiếu các cột {', '.join(missing)}")
    out = []
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        cells = {name: value for name, value in zip(names, row, strict=False) if name}
        if _text(cells.get("decision")) is not None:
            out.append((number, cells))
    return out


def read_review_folder(folder: Path, indicator_codes: set[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every decision in the folder's .csv and .xlsx files (typed, ordered), and every refusal with its reason.

    `decision_order` ranks all decisions: by decided_at (the row's, else the file's modification
    time), then file name and row; the later decision on a target wins in the warehouse.
    """
    decisions, refused = [], []
    files = sorted(
        p
        for p in folder.glob("*")
        if p.suffix.lower() in (".csv", ".xlsx") and not p.name.startswith(("~$", ".", "_"))
    )
    for path in files:
        try:
            rows = csv_rows(path) if path.suffix.lower() == ".csv" else xlsx_rows(path)
            modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).replace(tzinfo=None)
        except (ReviewFileError, OSError) as exc:
            code = exc.code if isinstance(exc, ReviewFileError) else "unreadable"
            refused.append(_refusal(path.name, None, {}, code, f"tệp bị từ chối: {exc}"))
            continue
        for number, cells in rows:
            row, code, reason = clean_row(cells)
            if code:
                refused.append(_refusal(path.name, number, row, code, reason))
                continue
            decisions.append(
                {
                    **row,
                    "file_name": path.name,
                    "row_number": number,
                    "decided_at": row["decided_at"] or modified,
                }
            )
    frame = pl.DataFrame([{k: d.get(k) for k in REVIEW_SCHEMA} for d in decisions], schema=REVIEW_SCHEMA)
    valid, invalid = split_valid(frame, review_contract(indicator_codes))
    refused += [
        _refusal(r["file_name"], r["row_number"], r, "contract", r["reason"])
        for r in invalid.iter_rows(named=True)
    ]
    ordered = valid.sort(["decided_at", "file_name", "row_number"]).with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("decision_order")
    )
    return ordered.select(list(REVIEW_SCHEMA)), pl.DataFrame(refused, schema=REJECTED_REVIEW_SCHEMA)


def _refusal(file_name: str, row_number: int | None, row: dict, code: str, reason: str) -> dict:
    return {
        "file_name": file_name,
        "row_number": row_number,
        "target_id": row.get("target_id"),
        "decision": row.get("decision"),
        "reason_code": code,
        "reason": reason,
    }


REVIEW_OUTPUT = {**REVIEW_SCHEMA, "reason_code": pl.String, "reason": pl.String}


def review_frame(decisions: pl.DataFrame, refused: pl.DataFrame) -> pl.DataFrame:
    """Decisions and refusals in one frame (refusals: reason_code set), as the `reviews` asset hands it on."""
    accepted = decisions.with_columns(
        pl.lit(None, pl.String).alias("reason_code"), pl.lit(None, pl.String).alias("reason")
    )
    return pl.concat(
        [accepted.select(list(REVIEW_OUTPUT)), refused.select(list(REJECTED_REVIEW_SCHEMA))],
        how="diagonal_relaxed",
    ).select(list(REVIEW_OUTPUT))


def split_review_frame(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The `reviews` asset's frame as the raw tables `reviews` and `rejected_reviews`."""
    accepted = frame.filter(pl.col("reason_code").is_null()).select(list(REVIEW_SCHEMA))
    refused = frame.filter(pl.col("reason_code").is_not_null()).select(list(REJECTED_REVIEW_SCHEMA))
    return accepted, refused
