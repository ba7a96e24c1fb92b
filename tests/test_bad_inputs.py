"""Every kind of bad input an analyst may drop: each is reported with a reason, nothing else breaks."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import polars as pl
import pytest
from pypdf import PdfReader, PdfWriter

from pipelines.store.extraction import KeyedPlan, extract_plan
from pipelines.store.plan_files import PlanFile
from pipelines.targets.catalog import load_catalog
from pipelines.themes import load_lexicon
from tests.test_pipeline import materialize_all
from tests.test_readers import ASCII_SENTENCE, pdf_bytes, text_page

pytestmark = pytest.mark.slow

SEED = "002_c79b154f3d55b614.txt"


def protected_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes([text_page(ASCII_SENTENCE)]))))
    writer.encrypt(user_password="secret", owner_password="owner-secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def not_a_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("photos/ảnh.jpg", b"\xff\xd8\xff not really a jpeg")
    return out.getvalue()


def test_bad_inputs_are_quarantined_with_reasons_and_the_plans_still_load(
    data_dir: Path, tmp_path: Path
) -> None:
    plans = data_dir / "raw" / "plans"
    seed = (plans / SEED).read_bytes()
    (plans / "empty.txt").write_bytes(b"")
    (plans / "blank.md").write_text("  \n\n \n", encoding="utf-8")
    (plans / "random.txt").write_bytes(os.urandom(64 * 1024))
    (plans / "huge.txt").write_bytes(("Kế hoạch khoa học và công nghệ. " * 700_000).encode())  # ~25 MB
    (plans / "truncated.pdf").write_bytes(pdf_bytes([text_page(ASCII_SENTENCE)])[:300])
    (plans / "protected.pdf").write_bytes(protected_pdf())
    (plans / "archive.docx").write_bytes(not_a_docx())
    (plans / "Kế hoạch số 5 năm 2024 (bản sao).txt").write_bytes(seed.replace(b"4346/KH", b"4347/KH"))
    (plans / "same content.txt").write_bytes(seed)
    (plans / "no province.txt").write_text(
        "KẾ HOẠCH\nHoạt động khoa học năm 2024\nNội dung chung.\n", encoding="utf-8"
    )
    # a share of enterprises above 100%: the target fails its contract and is quarantined
    odd = seed.replace(b"4346/KH", b"4348/KH").replace("đạt trên 15%".encode(), "đạt 250%".encode())
    (plans / "odd number.txt").write_bytes(odd)
    outside = tmp_path / "outside.txt"
    outside.write_bytes(seed)
    (plans / "link.txt").symlink_to(outside)
    header_only = (
        "ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN\nSố: 12/KH-UBND\nNghệ An, ngày 05 tháng 3 năm 2024\nKẾ HOẠCH\n"
    )
    (plans / "header only.txt").write_text(header_only, encoding="utf-8")

    result = materialize_all(data_dir)
    assert result.success

    marts = data_dir / "marts"
    rejected = {
        r["file_name"]: r
        for r in pl.read_parquet(marts / "mart_rejected_documents.parquet").iter_rows(named=True)
    }
    expected = {
        "empty.txt": "empty_file",
        "blank.md": "empty_text",
        "random.txt": "binary",
        "huge.txt": "too_large",
        "truncated.pdf": "corrupt_pdf",
        "protected.pdf": "encrypted_pdf",
        "archive.docx": "not_a_docx",
        "same content.txt": "duplicate_content",
        "link.txt": "symlink",
    }
    assert {name: rejected[name]["reason_code"] for name in expected} == expected
    assert "province" in rejected["no province.txt"]["reason"]
    assert all(r["reason"] for r in rejected.values())

    documents = pl.read_parquet(marts / "dim_document.parquet")
    names = set(documents["file_name"])
    assert {"Kế hoạch số 5 năm 2024 (bản sao).txt", "header only.txt", "odd number.txt"} <= names
    assert len(names) == 5 + 3  # the five seeds and the three new plans; the copy of a seed is a duplicate

    records = pl.read_parquet(marts / "mart_rejected_records.parquet")
    quarantined = records.filter(pl.col("file_name") == "odd number.txt")
    assert quarantined.height == 1 and "0-100" in quarantined["reason"][0]


def test_a_file_rewritten_while_being_read_is_not_half_read(tmp_path: Path, gazetteer) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(b"first content")
    keyed = KeyedPlan("plan-0000000000", PlanFile(path, "plan.txt", 13, 0.0), "0" * 64)
    record = extract_plan(keyed, gazetteer, load_catalog(), load_lexicon(), "f" * 16)
    assert record["document"] is None
    assert record["rejections"][0]["reason_code"] == "changed_while_reading"
