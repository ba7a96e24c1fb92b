"""Ingest: plan files on disk → validated documents, and a quarantine for the rest."""

import dagster as dg
import polars as pl

from pipelines.khcn.documents import discover_plan_files, read_documents
from pipelines.khcn.gazetteer import Gazetteer
from pipelines.khcn.schemas import DocumentSchema, rejected_frame, split_valid
from pipelines.resources import PlanFolder

DOCUMENT_COLUMNS_FOR_PREVIEW = [
    "file_name",
    "province_name",
    "doc_number",
    "issue_year",
    "period_start",
    "period_end",
]


@dg.asset(group_name="ingest", compute_kind="python")
def plan_files(context: dg.AssetExecutionContext, plan_folder: PlanFolder) -> pl.DataFrame:
    """Every file in the plan folder, with size and modification time.

    Files we will not read (symbolic links, unsupported formats) are listed with a
    status and reason instead of being ignored.
    """
    files, refused = discover_plan_files(plan_folder.root())
    rows = [
        {
            "file_name": f.relative_path,
            "path": str(f.path),
            "size_bytes": f.size_bytes,
            "modified_at": f.modified_at,
            "status": "candidate",
            "reason_code": None,
            "reason": None,
        }
        for f in files
    ] + [
        {
            "file_name": r["file_name"],
            "path": str(plan_folder.root() / r["file_name"]),
            "size_bytes": None,
            "modified_at": None,
            "status": "refused",
            "reason_code": r["reason_code"],
            "reason": r["reason"],
        }
        for r in refused
    ]
    frame = pl.DataFrame(
        rows,
        schema={
            "file_name": pl.String,
            "path": pl.String,
            "size_bytes": pl.Int64,
            "modified_at": pl.Float64,
            "status": pl.String,
            "reason_code": pl.String,
            "reason": pl.String,
        },
    )
    context.add_output_metadata(
        {"files": len(files), "refused": len(refused), "folder": str(plan_folder.root())}
    )
    return frame


@dg.multi_asset(
    group_name="ingest",
    compute_kind="python",
    outs={
        "documents": dg.AssetOut(
            description="Plan documents: normalised text and metadata read from the text."
        ),
        "rejected_documents": dg.AssetOut(
            description="Quarantine: files that did not become documents, with reasons."
        ),
    },
)
def documents(context: dg.AssetExecutionContext, plan_files: pl.DataFrame, plan_folder: PlanFolder):
    """Read, decode, normalise and describe every candidate file; validate with Pandera.

    A file that cannot be read, a duplicate, or a document that breaks the
    contract (e.g. no province recognised) goes to `rejected_documents` with its
    reason; the other documents go on.
    """
    files, _ = discover_plan_files(plan_folder.root())
    wanted = set(plan_files.filter(pl.col("status") == "candidate")["file_name"].to_list())
    files = [f for f in files if f.relative_path in wanted]
    gazetteer = Gazetteer.load()
    docs, rejected = read_documents(files, gazetteer)
    rejected += [
        {
            "file_name": r["file_name"],
            "document_id": None,
            "stage": "discover",
            "reason_code": r["reason_code"],
            "reason": r["reason"],
        }
        for r in plan_files.filter(pl.col("status") == "refused").iter_rows(named=True)
    ]
    frame = documents_frame(docs)
    valid, invalid = split_valid(frame, DocumentSchema)
    rejected += [
        {
            "file_name": r["file_name"],
            "document_id": r["document_id"],
            "stage": "validate",
            "reason_code": "contract",
            "reason": r["reason"],
        }
        for r in invalid.iter_rows(named=True)
    ]
    rejected_df = rejected_frame(rejected)
    for row in rejected_df.iter_rows(named=True):
        context.log.warning(f"rejected {row['file_name']} at {row['stage']}: {row['reason']}")
    yield dg.Output(
        valid,
        output_name="documents",
        metadata={
            "documents": valid.height,
            "provinces": valid["province_code"].n_unique() if valid.height else 0,
            "preview": dg.MetadataValue.md(markdown_table(valid.select(DOCUMENT_COLUMNS_FOR_PREVIEW))),
        },
    )
    yield dg.Output(rejected_df, output_name="rejected_documents", metadata={"rejected": rejected_df.height})


DOCUMENT_SCHEMA = {
    "document_id": pl.String,
    "file_name": pl.String,
    "source_sha256": pl.String,
    "encoding": pl.String,
    "size_bytes": pl.Int64,
    "char_count": pl.Int64,
    "text_original": pl.String,
    "text_normalized": pl.String,
    "extractor_version": pl.String,
    "province_name": pl.String,
    "province_code": pl.String,
    "province_era": pl.String,
    "doc_type": pl.String,
    "doc_number": pl.String,
    "issue_date": pl.String,
    "issue_year": pl.Int64,
    "issue_month": pl.Int64,
    "issuer": pl.String,
    "issuer_level": pl.String,
    "title": pl.String,
    "period_start": pl.Int64,
    "period_end": pl.Int64,
    "signer": pl.String,
    "flags": pl.List(pl.String),
}


def markdown_table(frame: pl.DataFrame) -> str:
    """A small Markdown table for the Dagster UI (no pandas needed)."""
    if frame.is_empty():
        return "(none)"
    head = "| " + " | ".join(frame.columns) + " |\n|" + "---|" * frame.width + "\n"
    body = "\n".join(
        "| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in frame.iter_rows()
    )
    return head + body


def documents_frame(rows: list[dict]) -> pl.DataFrame:
    """Documents as a frame with a fixed schema (also when there are none)."""
    return pl.DataFrame(rows, schema=DOCUMENT_SCHEMA)


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


@dg.asset(group_name="ingest", compute_kind="python")
def reference_statistics(context: dg.AssetExecutionContext, plan_folder: PlanFolder) -> pl.DataFrame:
    """Official statistics analysts drop as CSV into data/raw/reference/ (files starting with "_" are
    templates). A file that cannot be read is logged and skipped; the checked seed is unaffected."""
    folder = plan_folder.root().parent / "reference"
    frames = []
    for path in sorted(folder.glob("*.csv")) if folder.exists() else []:
        if path.name.startswith("_"):
            continue
        try:
            frame = pl.read_csv(path, infer_schema=False, encoding="utf8")
            missing = set(REFERENCE_COLUMNS) - {"origin"} - set(frame.columns)
            if missing:
                raise ValueError(f"missing columns {sorted(missing)}")
            frame = frame.with_columns(
                pl.col("year").cast(pl.Int64, strict=True),
                pl.col("value").str.replace_all(",", ".").cast(pl.Float64, strict=True),
                pl.col("province_code").str.zfill(2),
                pl.lit(path.name).alias("origin"),
            ).select(list(REFERENCE_COLUMNS))
            frames.append(frame)
        except Exception as exc:  # a bad drop-in must not stop the night
            context.log.error(f"reference file {path.name} skipped: {exc}")
    result = pl.concat(frames) if frames else pl.DataFrame(schema=REFERENCE_COLUMNS)
    context.add_output_metadata({"rows": result.height, "files": len(frames)})
    return result
