"""Analysts' reference statistics (CSV drop-ins in data/raw/reference/), read or refused with a reason.

A file is taken whole or not at all: one with missing columns, a year that is not a whole number or a
value that is not a number is refused, and the refusal goes to the quarantine marts (not only the
log), so an analyst sees that the figures did not arrive and why.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

REFERENCE_COLUMNS = {
    "province_code": pl.String,
    "province_name": pl.String,
    "statistic": pl.String,
    "year": pl.Int64,
    "value": pl.Float64,
    "unit": pl.String,
    "status": pl.String,
    "source": pl.String,
    "source_url": pl.String,
    "origin": pl.String,
}
REFERENCE_STAGE = "reference"


def read_reference_file(path: Path) -> pl.DataFrame:
    """One drop-in as typed rows; raises ValueError with a reason a person can act on."""
    try:
        frame = pl.read_csv(path, infer_schema=False, encoding="utf8")
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise ValueError(f"không đọc được tệp CSV ({type(exc).__name__}: {exc})") from exc
    missing = sorted(set(REFERENCE_COLUMNS) - {"origin"} - set(frame.columns))
    if missing:
        raise ValueError(f"thiếu cột {', '.join(missing)}; giữ đúng dòng tiêu đề của _template.csv")
    value = pl.col("value").str.strip_chars().str.replace_all(",", ".")
    typed = frame.with_columns(
        pl.col("year").str.strip_chars().cast(pl.Int64, strict=False).alias("_year"),
        value.cast(pl.Float64, strict=False).alias("_value"),
    )
    bad = typed.filter(
        (pl.col("_year").is_null() & pl.col("year").is_not_null())
        | (pl.col("_value").is_null() & pl.col("value").is_not_null())
    )
    if bad.height:
        row = bad.row(0, named=True)
        raise ValueError(
            f"{bad.height} dòng có năm hoặc giá trị không phải số (ví dụ year={row['year']!r}, "
            f"value={row['value']!r}); ghi số thập phân bằng dấu chấm, không có dấu phân cách hàng nghìn"
        )
    return typed.with_columns(
        pl.col("_year").alias("year"),
        pl.col("_value").alias("value"),
        pl.col("province_code").str.strip_chars().str.zfill(2),
        pl.lit(path.name).alias("origin"),
    ).select(list(REFERENCE_COLUMNS))


def read_reference_folder(folder: Path) -> tuple[pl.DataFrame, list[dict[str, str | None]]]:
    """Every drop-in (files starting with "_" are templates) and a rejection for each refused file."""
    frames, refused = [], []
    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        if path.name.startswith("_"):
            continue
        try:
            frames.append(read_reference_file(path))
        except ValueError as exc:
            refused.append(
                {
                    "file_name": f"reference/{path.name}",
                    "document_id": None,
                    "stage": REFERENCE_STAGE,
                    "reason_code": "reference_file_refused",
                    "reason": f"Tệp số liệu tham chiếu bị bỏ qua: {exc}. Sửa tệp rồi chạy lại.",
                }
            )
    result = pl.concat(frames) if frames else pl.DataFrame(schema=REFERENCE_COLUMNS)
    return result, refused
