"""The target-extraction stages one by one, and the classes of issue 10, on sentences written here.

Each sentence is composed for the test (not copied from a labelled plan): it states one rule of
Vietnamese administrative writing, so a failure names the rule that broke.
"""

from __future__ import annotations

import pytest

from pipelines.targets import mentions
from pipelines.targets.catalog import load_catalog
from pipelines.targets.decisions import not_a_quantity
from pipelines.targets.mentions import read_mentions
from pipelines.targets.model import PlanContext
from pipelines.targets.pipeline import extract
from pipelines.targets.segments import Sentences, clauses
from pipelines.targets.tables import layout, merge_headers
from pipelines.text.normalize import normalize_text
from pipelines.text.numerals import read_number_words, words_value

PLAN = PlanContext(period_start=2026, period_end=2030, issue_year=2025)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def targets(text: str, catalog, context: PlanContext = PLAN) -> list[dict]:
    return [t.as_dict() for t in extract(normalize_text(text), catalog, context).targets]


def summary(records: list[dict]) -> list[tuple]:
    return [(r["indicator"], r["bound"], r["value_min"], r["value_max"], r["unit"]) for r in records]


# --------------------------------------------------------------------------- stage: segments


def test_clauses_split_at_semicolons_and_sentence_ends() -> None:
    line = "Đạt 5 mô hình; tăng 10%. Hoàn thành 3 đề tài"
    assert [line[a:b] for a, b in clauses(line)] == ["Đạt 5 mô hình", " tăng 10%", "Hoàn thành 3 đề tài"]


def test_sentence_start_is_found_by_bisection() -> None:
    line = "Năm 2024 có 5 tổ chức. Phấn đấu có 9 tổ chức."
    sentences = Sentences.of(line)
    assert sentences.start_of(line.index("9")) == line.index("Phấn")
    assert sentences.start_of(line.index("5")) == 0


# --------------------------------------------------------------------------- stage: mentions


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("mười lăm", 15),
        ("ba mươi", 30),
        ("một trăm hai mươi", 120),
        ("hai mươi mốt", 21),
        ("ba mươi tư", 34),
        ("năm mươi lăm", 55),
        ("một trăm linh năm", 105),
        ("hai nghìn", 2000),
    ],
)
def test_compound_number_words(words: str, value: int) -> None:
    parsed = read_number_words(f"đạt {words} doanh nghiệp")
    assert parsed is not None and parsed[0] == value


def test_single_words_and_years_are_not_compounds() -> None:
    assert read_number_words("một số doanh nghiệp năm 2025") is None
    assert words_value(["lăm"]) is None and words_value(["mươi"]) is None
    # "hai mươi năm" is twenty years: "năm" after "mươi" is never five
    assert read_number_words("trong hai mươi năm qua")[0] == 20


def test_mentions_read_digits_ranges_words_fractions_and_multiples() -> None:
    clause = "từ 5 đến 10 mô hình, ít nhất hai sản phẩm, gấp đôi, một nửa số xã, 2/3 số huyện, mười lăm lượt"
    found = [(m.low, m.high, m.form, m.unit) for m in read_mentions(clause)]
    assert found == [
        (5, 10, "digits", None),
        (2, 2, "words", None),
        (2, 2, "multiple", "lần"),
        (50, 50, "fraction", "%"),
        (66.67, 66.67, "fraction", "%"),
        (15, 15, "words", None),
    ]


def test_a_number_in_words_with_its_digits_in_brackets_is_read_once() -> None:
    clause = "đạt một trăm phần trăm (100%) xã"
    assert [(m.low, m.form) for m in read_mentions(clause)] == [(100, "digits")]


def _every_family(clause: str) -> list:
    """The mentions of a clause with every family run (no family skipped by the gates)."""
    found = mentions._digit_mentions(clause) + mentions._word_range_mentions(clause)
    found += mentions._multiple_mentions(clause) + mentions._fraction_mentions(clause)
    found += mentions._compound_word_mentions(clause) + mentions._single_word_mentions(clause)
    return mentions._without_overlaps(found)


@pytest.mark.parametrize(
    "clause",
    [
        "Phấn đấu đến năm 2030 có 15 doanh nghiệp KH&CN",
        "tổ chức HAI khóa đào tạo, GẤP ĐÔI so với năm trước",
        "ít nhất MỘT NỬA số xã; Hai Mươi Lăm mô hình",
        "từ haiđến ba lớp tập huấn",  # a range whose first word runs into "đến"
        "HAİ MƯƠI doanh nghiệp",  # İ: lower() makes two characters of it
        "haı mươi mốt sản phẩm, ſố liệu",  # letters only IGNORECASE folds (ı, ſ)
        "năm năm một lần",
        "nâng cao năng lực quản lý nhà nước",
    ],
)
def test_mention_families_are_skipped_only_where_they_cannot_match(clause: str) -> None:
    assert read_mentions(clause) == _every_family(clause)
    assert mentions.has_number(clause) or not _every_family(clause)


# --------------------------------------------------------------------------- stage: decisions


@pytest.mark.parametrize(
    ("line", "number", "kind"),
    [
        ("ban hành ngày 12/3/2025", "12", "date"),
        ("theo Quyết định số 15/QĐ-UBND", "15", "document_number"),
        ("Điều 4 của Quy chế", "4", "ordinal"),
        ("kế hoạch giai đoạn 2026-2030", "2026-2030", "period"),
        ("áp dụng TCVN 9001", "9001", "code"),
        ("trong năm 2027", "2027", "year"),
        ("họp lúc 14:30", "30", "date"),
    ],
)
def test_numbers_that_are_not_quantities_get_a_kind(line: str, number: str, kind: str) -> None:
    mention = next(m for m in read_mentions(line) if line[m.start : m.end].startswith(number))
    decided = not_a_quantity(line, mention, 0)
    assert decided is not None and decided[0] == kind, decided


def test_every_number_gets_a_decision_with_a_reason(catalog) -> None:
    text = (
        "II. MỤC TIÊU\n1. Phấn đấu đến năm 2030 có 40 doanh nghiệp khoa học và công nghệ.\n"
        "2. Năm 2024, toàn tỉnh hiện có 27 tổ chức khoa học và công nghệ.\n"
        "3. Hỗ trợ tối đa 50% kinh phí, không quá 300 triệu đồng/dự án."
    )
    result = extract(normalize_text(text), catalog, PLAN)
    decided = {d.text: (d.kind, d.reason) for d in result.decisions}
    assert decided["40"] == ("target", "commitment_cue")
    assert decided["27"][0] == "past_result"
    assert decided["300"][0] == "norm"
    assert decided["2030"][0] == "year"
    assert all(d.reason for d in result.decisions)


# --------------------------------------------------------------------------- class 1: noun phrase


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Phấn đấu đến năm 2030 có 12 doanh nghiệp khoa học và công nghệ",
            ("st_enterprises", "eq", 12, 12, "doanh nghiệp"),
        ),
        (
            "Hình thành thêm ít nhất 04 tổ chức khoa học và công nghệ ngoài công lập",
            ("st_organizations", "ge", 4, 4, "tổ chức"),
        ),
        (
            "Hằng năm triển khai 25 nhiệm vụ khoa học và công nghệ cấp tỉnh",
            ("st_tasks", "eq", 25, 25, "nhiệm vụ/năm"),
        ),
        (
            "Hỗ trợ 18 sản phẩm đặc sản, sản phẩm OCOP được đăng ký bảo hộ nhãn hiệu",
            ("ocop_ip_products", "eq", 18, 18, "sản phẩm"),
        ),
    ],
)
def test_indicator_is_read_on_the_whole_noun_phrase(sentence: str, expected: tuple, catalog) -> None:
    text = "II. MỤC TIÊU\n1. " + sentence + "."
    (record,) = targets(text, catalog)
    assert summary([record])[0] == expected
    assert record["quote"].endswith(sentence.split()[-1]), record["quote"]
    assert record["signals"]["indicator_matched"] is True


def test_noun_phrase_stops_at_the_next_number(catalog) -> None:
    text = "II. MỤC TIÊU\n1. Phấn đấu có 6 doanh nghiệp, 3 tổ chức khoa học và công nghệ."
    records = targets(text, catalog)
    assert [(r["value_min"], r["unit"]) for r in records] == [(6, "doanh nghiệp"), (3, "tổ chức")]
    assert records[1]["indicator"] == "st_organizations"


def test_a_workshop_count_is_not_the_indicator_named_later_in_its_phrase(catalog) -> None:
    text = "II. NHIỆM VỤ\n1. Tổ chức 03 hội thảo giới thiệu doanh nghiệp khởi nghiệp đổi mới sáng tạo."
    (record,) = targets(text, catalog)
    assert (record["indicator"], record["unit"]) == ("other", "hội thảo")


# --------------------------------------------------------------------------- class 2: tables


def _table_summary(records: list[dict]) -> list[tuple]:
    return [
        (
            r["indicator"],
            r["value_min"],
            r["value_max"],
            r["unit"],
            r["target_year"],
            r["baseline_value"],
            r["baseline_year"],
        )
        for r in records
    ]


def test_a_table_with_a_baseline_and_two_target_columns_gives_a_record_per_column(catalog) -> None:
    text = (
        "II. CHỈ TIÊU CỤ THỂ\n"
        "| STT | Chỉ tiêu | ĐVT | Năm 2020 | Năm 2025 | Năm 2030 |\n|---|---|---|---|---|---|\n"
        "| I | Nhóm chỉ tiêu về doanh nghiệp | | | | |\n"
        "| 1 | Số doanh nghiệp khoa học và công nghệ (lũy kế) | Doanh nghiệp | 8 | 14 | 25 |\n"
        "| 2 | Số đơn đăng ký sáng chế | Đơn | - | x | 40 |\n"
    )
    records = targets(text, catalog, PlanContext(2021, 2030, 2021))
    assert _table_summary(records) == [
        ("st_enterprises", 14, 14, "Doanh nghiệp", 2025, 8, 2020),
        ("st_enterprises", 25, 25, "Doanh nghiệp", 2030, 8, 2020),
        ("patent_applications", 40, 40, "Đơn", 2030, None, None),
    ]
    assert records[0]["signals"]["cumulative"] is True and records[0]["signals"]["table_row"] is True
    assert len({(r["char_start"], r["char_end"]) for r in records}) == len(records)


def test_estimate_plan_and_direction_columns(catalog) -> None:
    text = (
        "| TT | Chỉ tiêu | Đơn vị tính | Ước TH 2025 | KH 2026 | Định hướng 2030 |\n|---|---|---|---|---|---|\n"
        "| 1 | Tỷ lệ doanh nghiệp có hoạt động đổi mới sáng tạo | % | 21 | 24 | 35 |\n"
    )
    records = targets(text, catalog)
    assert _table_summary(records) == [
        ("innovating_enterprise_share_pct", 24, 24, "%", 2026, 21, 2025),
        ("innovating_enterprise_share_pct", 35, 35, "%", 2030, 21, 2025),
    ]


def test_a_merged_target_header_over_two_year_columns(catalog) -> None:
    text = (
        "| STT | Chỉ tiêu | ĐVT | Hiện trạng 2024 | Mục tiêu | |\n"
        "| | | | | 2026 | 2030 |\n|---|---|---|---|---|---|\n"
        "| 1 | Số mô hình ứng dụng tiến bộ khoa học kỹ thuật | Mô hình | 6 | 9 | 20 |\n"
    )
    records = targets(text, catalog)
    assert [(r["value_min"], r["target_year"], r["baseline_value"], r["baseline_year"]) for r in records] == [
        (9, 2026, 6, 2024),
        (20, 2030, 6, 2024),
    ]


def test_merge_headers_reaches_over_the_cells_a_merged_header_spans() -> None:
    merged = merge_headers([["STT", "Chỉ tiêu", "Mục tiêu", ""], ["", "", "2026", "2030"]])
    assert merged == ["STT", "Chỉ tiêu", "Mục tiêu 2026", "Mục tiêu 2030"]
    found = layout(merged, PLAN)
    assert found is not None and [c.year for c in found.plans] == [2026, 2030]


def test_a_plan_column_for_a_year_already_past_gives_no_target(catalog) -> None:
    text = (
        "| STT | Chỉ tiêu | ĐVT | Kế hoạch 2025 | Thực hiện 2025 |\n|---|---|---|---|---|\n"
        "| 1 | Số đề tài khoa học cấp tỉnh | Đề tài | 12 | 13 |\n"
    )
    result = extract(normalize_text(text), catalog, PLAN)
    assert result.targets == []
    assert [(d.kind, d.reason) for d in result.decisions if d.reason != "column_header"] == [
        ("past_result", "past_plan_column"),
        ("list_number", "row_number"),
        ("baseline", "table_actual_column"),
    ]


def _docx_with_merged_header(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("II. CHỈ TIÊU")
    table = document.add_table(rows=3, cols=5)
    for index, text in enumerate(["STT", "Chỉ tiêu", "ĐVT", "Mục tiêu"]):
        table.cell(0, index).text = text
    table.cell(0, 3).merge(table.cell(0, 4))
    table.cell(0, 0).merge(table.cell(1, 0))
    table.cell(1, 3).text, table.cell(1, 4).text = "2026", "2030"
    for index, text in enumerate(["1", "Số doanh nghiệp khoa học và công nghệ", "Doanh nghiệp", "30", "45"]):
        table.cell(2, index).text = text
    path = tmp_path / "plan.docx"
    document.save(path)
    return path


def test_word_tables_are_read_as_tables_with_merged_cells(tmp_path, catalog) -> None:
    from pipelines.formats.dispatch import read_document_bytes

    path = _docx_with_merged_header(tmp_path)
    text = normalize_text(read_document_bytes(path.name, path.read_bytes()).text)
    records = [t.as_dict() for t in extract(text, catalog, PLAN).targets]
    assert [(r["indicator"], r["value_min"], r["target_year"]) for r in records] == [
        ("st_enterprises", 30, 2026),
        ("st_enterprises", 45, 2030),
    ]
    assert all(text[r["char_start"] : r["char_end"]] == r["quote"] for r in records)


_FLAT = (
    "II. CHỈ TIÊU CỤ THỂ\nSTT\nChỉ tiêu\nĐơn vị tính\nNăm 2024\nNăm 2027\nNăm 2030\n"
    "I\nChỉ tiêu về doanh nghiệp\n1\nSố doanh nghiệp khoa học và công nghệ\nDoanh nghiệp\n11\n16\n24\n"
    "2\nTỷ lệ doanh nghiệp có hoạt động đổi mới sáng tạo\n%\n-\n30\n45\nIII. NHIỆM VỤ\n1. Rà soát cơ chế."
)


def test_a_table_flattened_to_one_cell_per_line_is_rebuilt_into_rows() -> None:
    from pipelines.targets.flattened import rebuild_unseparated_tables

    rows = rebuild_unseparated_tables(_FLAT.split("\n"))
    assert rows[1] == "| STT | Chỉ tiêu | Đơn vị tính | Năm 2024 | Năm 2027 | Năm 2030 |"
    assert rows[2] == "| I | Chỉ tiêu về doanh nghiệp |  |  |  |  |"
    assert rows[4] == "| 2 | Tỷ lệ doanh nghiệp có hoạt động đổi mới sáng tạo | % | - | 30 | 45 |"
    assert rows[5:] == ["III. NHIỆM VỤ", "1. Rà soát cơ chế."]


def test_a_flattened_table_gives_its_targets(catalog) -> None:
    records = targets(_FLAT, catalog)
    assert _table_summary(records) == [
        ("st_enterprises", 16, 16, "Doanh nghiệp", 2027, 11, 2024),
        ("st_enterprises", 24, 24, "Doanh nghiệp", 2030, 11, 2024),
        ("innovating_enterprise_share_pct", 30, 30, "%", 2027, None, None),
        ("innovating_enterprise_share_pct", 45, 45, "%", 2030, None, None),
    ]


def test_short_lines_that_are_not_a_table_are_left_alone() -> None:
    from pipelines.targets.flattened import rebuild_unseparated_tables

    lines = ["STT", "Họ và tên", "Chức vụ", "1", "Nguyễn Văn A", "Giám đốc"]
    assert rebuild_unseparated_tables(lines) == lines


# --------------------------------------------------------------------------- class 3: report and plan

_REPORT_AND_PLAN = (
    "BÁO CÁO\nKết quả thực hiện nhiệm vụ khoa học và công nghệ năm 2025 và phương hướng, nhiệm vụ năm 2026\n"
    "PHẦN THỨ NHẤT\nKẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2025\n1. Công tác quản lý\n"
    "Trong năm, Sở đã tham mưu triển khai 18 nhiệm vụ khoa học và công nghệ cấp tỉnh, đạt 100% kế hoạch.\n"
    "2. Hỗ trợ doanh nghiệp\nHỗ trợ 6 doanh nghiệp đổi mới công nghệ, phấn đấu vượt kế hoạch.\n"
    "PHẦN THỨ HAI\nPHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2026\n1. Chỉ tiêu chủ yếu\n"
    "- Năm 2025, đã cấp giấy chứng nhận cho 03 doanh nghiệp KH&CN. Phấn đấu năm 2026 có thêm 02 doanh "
    "nghiệp KH&CN.\n- Toàn tỉnh hiện có 21 tổ chức khoa học và công nghệ.\n"
    "- Tỷ lệ giải ngân vốn đầu tư công đến 30/11/2025 đạt 76%.\n"
    "- Triển khai 20 nhiệm vụ khoa học và công nghệ cấp tỉnh.\n"
)


def test_report_and_plan_results_are_past_and_plan_figures_are_targets(catalog) -> None:
    context = PlanContext(period_start=2026, period_end=2026, issue_year=2025)
    result = extract(normalize_text(_REPORT_AND_PLAN), catalog, context)
    found = [(t.indicator, t.value_min, t.baseline_value, t.baseline_year) for t in result.targets]
    assert found == [("st_enterprises", 2, 3, 2025), ("st_tasks", 20, None, None)]
    decided = {d.text: (d.kind, d.reason) for d in result.decisions}
    assert decided["18"] == ("past_result", "report_section")
    assert decided["6"] == ("past_result", "report_section")
    assert decided["03"][0] == "past_result" and decided["21"][0] == "past_result"
    assert decided["76%"][0] == "past_result"


# --------------------------------------------------------------------------- class 4: numbers in other forms


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Phấn đấu có mười lăm doanh nghiệp khoa học và công nghệ",
            ("st_enterprises", "eq", 15, 15, "doanh nghiệp"),
        ),
        ("Triển khai ba mươi nhiệm vụ khoa học và công nghệ", ("st_tasks", "eq", 30, 30, "nhiệm vụ")),
        (
            "Tỷ lệ doanh nghiệp có hoạt động đổi mới sáng tạo không thấp hơn 20%",
            ("innovating_enterprise_share_pct", "ge", 20, 20, "%"),
        ),
        ("Số đơn đăng ký sáng chế không ít hơn 30 đơn", ("patent_applications", "ge", 30, 30, "đơn")),
        ("Rút ngắn thời gian thẩm định hồ sơ xuống tối đa 15 ngày", ("other", "le", 15, 15, "ngày")),
        (
            "Hằng năm hỗ trợ từ 2 đến 4 doanh nghiệp đổi mới công nghệ",
            ("enterprises_tech_supported", "range", 2, 4, "doanh nghiệp/năm"),
        ),
        ("Chỉ số PII của tỉnh nằm trong nhóm 20/34 tỉnh, thành phố", ("pii_rank", "le", 20, 20, "hạng")),
        (
            "Thuộc nhóm 10 địa phương dẫn đầu cả nước về Chỉ số đổi mới sáng tạo cấp tỉnh",
            ("pii_rank", "le", 10, 10, "hạng"),
        ),
        ("Chỉ số PII của tỉnh thuộc top 15 cả nước", ("pii_rank", "le", 15, 15, "hạng")),
        ("Phấn đấu một phần tư số xã có mô hình ứng dụng khoa học", (None, "eq", 25, 25, "%")),
    ],
)
def test_numbers_in_words_bounds_and_ranks(sentence: str, expected: tuple, catalog) -> None:
    records = targets("II. MỤC TIÊU\n1. " + sentence + ".", catalog)
    assert len(records) == 1, records
    got = summary(records)[0]
    assert got[1:] == expected[1:] and (expected[0] is None or got[0] == expected[0]), got


def test_multiples_in_words_and_increases_against_a_year(catalog) -> None:
    (double,) = targets(
        "II. MỤC TIÊU\n1. Số doanh nghiệp khởi nghiệp đổi mới sáng tạo tăng gấp đôi so với năm 2025.", catalog
    )
    assert (double["target_type"], double["value_min"], double["unit"], double["baseline_year"]) == (
        "multiply_by",
        2,
        "lần",
        2025,
    )
    assert double["signals"]["number_form"] == "multiple"
    (rise,) = targets("II. MỤC TIÊU\n1. Giá trị giao dịch công nghệ tăng 30% so với năm 2020.", catalog)
    assert (
        rise["indicator"],
        rise["target_type"],
        rise["value_min"],
        rise["unit"],
        rise["baseline_year"],
    ) == (
        "tech_market_value",
        "increase_by",
        30,
        "%",
        2020,
    )


# --------------------------------------------------------------------------- explain and eval reasons


def test_explain_lists_every_number_of_a_word_file_with_its_decision(
    tmp_path, gazetteer, catalog, capsys
) -> None:
    import argparse

    from pipelines.evaluation.explain import add_explain_command

    path = _docx_with_merged_header(tmp_path)
    parser = argparse.ArgumentParser()
    add_explain_command(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["explain", "--json", str(path)])
    assert args.handler(args) == 0
    import json

    rows = json.loads(capsys.readouterr().out)["numbers"]
    targets_found = [r for r in rows if r["decision"] == "target"]
    assert [(r["number"], r["reason"], r["indicator"]) for r in targets_found] == [
        ("30", "table_plan_column", "st_enterprises"),
        ("45", "table_plan_column", "st_enterprises"),
    ]
    assert all(r["reason"] for r in rows)


def test_eval_counts_misses_and_extras_by_reason(catalog) -> None:
    from pipelines.evaluation.targets import score_plan

    text = normalize_text(
        "II. MỤC TIÊU\n1. Năm 2024, toàn tỉnh hiện có 27 tổ chức khoa học và công nghệ.\n"
        "2. Phấn đấu có 9 doanh nghiệp khoa học và công nghệ."
    )
    result = extract(text, catalog, PLAN)
    labels = [
        {"quote": "hiện có 27 tổ chức", "value_min": 27, "value_max": 27, "indicator": "st_organizations"}
    ]
    score = score_plan("plan.txt", text, labels, [t.as_dict() for t in result.targets], result.decisions)
    assert [m["reason"] for m in score.misses] == ["past_result:past_cue"]
    assert [e["reason"] for e in score.extras] == ["target:commitment_cue"]


# --------------------------------------------------------------------------- linear time, record layout

_SENTENCES = [
    "Phấn đấu đến năm 2030 có 40 doanh nghiệp khoa học và công nghệ.",
    "Năm 2024, toàn tỉnh hiện có 27 tổ chức khoa học và công nghệ.",
    "Hằng năm triển khai ít nhất 12 nhiệm vụ khoa học và công nghệ cấp tỉnh.",
    "Tỷ lệ doanh nghiệp có hoạt động đổi mới sáng tạo đạt trên 30% vào năm 2030.",
    "Thực hiện Quyết định số 1131/QĐ-TTg ngày 12/10/2024 của Thủ tướng Chính phủ.",
]


def test_a_plan_on_one_long_line_gives_the_same_targets_as_with_line_breaks(catalog) -> None:
    """A 100k-character single line must read like the same text with line breaks (no per-number rescans
    of the whole line: the stages look at bounded windows, so this runs in linear time)."""
    repeats = 100_000 // len(" ".join(_SENTENCES)) + 1
    broken = "\n".join(_SENTENCES * repeats)
    one_line = " ".join(_SENTENCES * repeats)
    assert len(one_line) > 100_000
    context = PlanContext(2026, 2030, 2025)

    def read(text: str) -> list[tuple]:
        return [
            (t.indicator, t.value_min, t.bound, t.target_year)
            for t in extract(text, catalog, context).targets
        ]

    by_line = read(broken)
    assert len(by_line) == 3 * repeats
    assert read(one_line) == by_line


_LAYOUT = {
    "indicator",
    "label",
    "target_type",
    "bound",
    "value_min",
    "value_max",
    "unit",
    "target_year",
    "baseline_value",
    "baseline_year",
    "components",
    "qualitative",
    "quote",
    "char_start",
    "char_end",
    "section",
    "confidence",
    "source",
}
_SIGNALS = {
    "segment",
    "indicator_matched",
    "indicator_source",
    "commitment_cue",
    "action_cue",
    "goal_section",
    "year_source",
    "unit_source",
    "table_row",
    "number_form",
    "number_words",
    "past_cue_nearby",
    "baseline_found",
}


def test_records_keep_every_field_and_gain_a_reason_and_signals(catalog) -> None:
    text = (
        "II. MỤC TIÊU\n1. Phấn đấu có mười hai doanh nghiệp khoa học và công nghệ.\n"
        "| STT | Chỉ tiêu | ĐVT | Năm 2024 | Năm 2030 |\n|---|---|---|---|---|\n"
        "| 1 | Số đơn đăng ký sáng chế | Đơn | 10 | 25 |\n"
    )
    prose, table = targets(text, catalog)
    for record in (prose, table):
        assert _LAYOUT | {"decision_reason", "signals"} <= set(record)
        assert _SIGNALS <= set(record["signals"])
        assert 0 <= record["confidence"] <= 1
    assert prose["decision_reason"] == "commitment_cue"
    assert prose["signals"]["number_words"] is True and prose["signals"]["goal_section"] is True
    assert (table["decision_reason"], table["signals"]["table_row"], table["signals"]["year_source"]) == (
        "table_plan_column",
        True,
        "table_header",
    )


def test_a_fall_to_a_level_is_a_level(catalog) -> None:
    (record,) = targets(
        "II. MỤC TIÊU\n1. Thời gian giải quyết hồ sơ giảm xuống còn 12 ngày làm việc.", catalog
    )
    assert (record["target_type"], record["value_min"], record["unit"]) == ("level", 12, "ngày làm việc")


def test_past_tense_in_a_goal_list_is_a_result_unless_it_is_already_protected(catalog) -> None:
    text = (
        "II. MỤC TIÊU\n1. Năm qua đã hỗ trợ 14 doanh nghiệp đổi mới công nghệ.\n"
        "2. Hỗ trợ phát triển các nhãn hiệu tập thể đã được bảo hộ: 06 nhãn hiệu."
    )
    assert [r["value_min"] for r in targets(text, catalog)] == [6]


def test_a_share_that_opens_a_list_item_of_a_goal_is_kept(catalog) -> None:
    (record,) = targets("II. MỤC TIÊU\nc) 100% trường trung học phổ thông có phòng học STEM.", catalog)
    assert (record["value_min"], record["unit"], record["decision_reason"]) == (
        100,
        "%",
        "share_leads_clause",
    )


def test_table_cells_with_their_unit_and_period_headers(catalog) -> None:
    text = (
        "| STT | Chỉ tiêu | Thực hiện giai đoạn 2021-2025 | Mục tiêu giai đoạn 2026-2030 |\n|---|---|---|---|\n"
        "| 1 | Số mô hình ứng dụng tiến bộ kỹ thuật | 12 mô hình | 20 mô hình |\n"
    )
    (record,) = targets(text, catalog)
    assert (
        record["value_min"],
        record["target_year"],
        record["baseline_value"],
        record["baseline_year"],
    ) == (
        20,
        2030,
        12,
        2025,
    )


def test_an_undated_plan_reads_its_first_year_column_as_the_baseline() -> None:
    found = layout(["STT", "Chỉ tiêu", "ĐVT", "Năm 2020", "Năm 2025", "Năm 2030"], PlanContext())
    assert found is not None
    assert (found.actual.year, [c.year for c in found.plans]) == (2020, [2025, 2030])


def test_a_rank_of_how_many_reads_the_whole_group_phrase(catalog) -> None:
    text = (
        "I. MỤC TIÊU\n1. Phấn đấu đến năm 2030, tỉnh nằm trong nhóm 25/34 tỉnh, thành phố có chỉ số đổi mới "
        "sáng tạo cấp tỉnh cao nhất cả nước."
    )
    (record,) = targets(text, catalog)
    assert (record["indicator"], record["bound"], record["value_min"], record["unit"]) == (
        "pii_rank",
        "le",
        25,
        "hạng",
    )
    assert "25/34" in record["quote"]


def test_a_long_clause_without_sentence_breaks_reads_every_target(catalog) -> None:
    unit = "phấn đấu hỗ trợ 12 doanh nghiệp đổi mới công nghệ, xây dựng 3 mô hình ứng dụng tiến bộ kỹ thuật, "
    repeats = 100_000 // len(unit) + 1
    found = extract("II. MỤC TIÊU\n" + unit * repeats, catalog, PLAN).targets
    assert [(t.value_min, t.unit) for t in found] == [(12, "doanh nghiệp"), (3, "mô hình")] * repeats


# --------------------------------------------------------------------------- stages: indicator, attributes


def test_noun_phrase_end_runs_through_and_and_commas_but_not_into_the_next_number() -> None:
    from pipelines.targets.indicator import noun_phrase_end, phrase_end

    line = "có 10 doanh nghiệp khoa học và công nghệ, sản phẩm chủ lực và 5 tổ chức"
    after = line.index("10") + 2
    assert line[after : phrase_end(line, after)] == " doanh nghiệp khoa học"
    assert (
        line[after : noun_phrase_end(line, after, len(line))]
        == " doanh nghiệp khoa học và công nghệ, sản phẩm chủ lực"
    )


@pytest.mark.parametrize(
    ("prefix", "tail", "expected"),
    [
        ("dat it nhat", "", "ge"),
        ("khong thap hon", "", "ge"),
        ("khong it hon", "", "ge"),
        ("toi da", "", "le"),
        ("khong vuot qua", "", "le"),
        ("duoi", "", "lt"),
        ("tren", "", "gt"),
        ("khoang", "", "approx"),
        ("dat", " tro len", "ge"),
        ("dat", "", "eq"),
    ],
)
def test_bound_words(prefix: str, tail: str, expected: str) -> None:
    from pipelines.targets.attributes import bound

    assert bound(prefix, False, tail) == expected


@pytest.mark.parametrize(
    ("prefix", "unit", "per_year", "expected"),
    [
        ("so doanh nghiep tang", "doanh nghiệp", False, "increase_by"),
        ("so doanh nghiep tang gap", "lần", False, "multiply_by"),
        ("tang binh quan", "%", False, "annual_growth_pct"),
        ("so don tang", "%/năm", True, "annual_growth_pct"),
        ("thoi gian giam xuong con", "ngày", False, "level"),
        ("ty le dat", "%", False, "level"),
    ],
)
def test_target_types(prefix: str, unit: str, per_year: bool, expected: str) -> None:
    from pipelines.targets.attributes import target_type

    assert target_type(prefix, unit, per_year) == expected


def test_quote_runs_from_the_label_through_the_noun_phrase(catalog) -> None:
    text = "II. MỤC TIÊU\n1. Đến năm 2030, hình thành thêm 04 tổ chức khoa học và công nghệ ngoài công lập."
    normalized = normalize_text(text)
    (record,) = extract(normalized, catalog, PLAN).targets
    assert record.quote == "hình thành thêm 04 tổ chức khoa học và công nghệ ngoài công lập"
    assert normalized[record.char_start : record.char_end] == record.quote


def test_a_procedure_deadline_is_not_a_target_but_a_committed_maximum_is(catalog) -> None:
    text = (
        "III. NHIỆM VỤ\n1. Sở thẩm định hồ sơ trong 05 ngày làm việc kể từ ngày nhận đủ hồ sơ.\n"
        "2. Rút ngắn thời gian cấp phép còn 07 ngày làm việc."
    )
    assert [(r["value_min"], r["unit"]) for r in targets(text, catalog)] == [(7, "ngày làm việc")]


def test_a_numbered_plan_heading_ends_an_unnumbered_results_part(catalog) -> None:
    text = (
        "KẾT QUẢ THỰC HIỆN NĂM 2025\n1. Quản lý nhiệm vụ\n- Triển khai 22 nhiệm vụ khoa học và công nghệ.\n"
        "II. KẾ HOẠCH NĂM 2026\n1. Quản lý nhiệm vụ\n- Triển khai 25 nhiệm vụ khoa học và công nghệ."
    )
    context = PlanContext(2026, 2026, 2025)
    assert [r["value_min"] for r in targets(text, catalog, context)] == [25]


def test_the_vocabulary_seed_is_clean() -> None:
    import csv
    import unicodedata

    from pipelines.targets.vocab import DEFAULT_VOCABULARY, LISTS, load_vocabulary

    rows = list(csv.DictReader(DEFAULT_VOCABULARY.read_text(encoding="utf-8").splitlines()))
    assert {r["list"] for r in rows} == set(LISTS)
    pairs = [(r["list"], r["phrase"]) for r in rows]
    assert len(pairs) == len(set(pairs)), "duplicate phrase in a list"
    assert all(unicodedata.normalize("NFC", p) == p and p == p.strip() and p for _, p in pairs)
    vocabulary = load_vocabulary()
    assert all(vocabulary.literal(name) for name in LISTS)


def test_a_web_table_with_a_spanning_year_over_plan_and_comparison_columns(catalog) -> None:
    from pipelines.formats.dispatch import read_document_bytes

    html = (
        "<html><body><p>I. CHỈ TIÊU</p><table>"
        "<tr><td rowspan='2'>STT</td><td rowspan='2'>Chỉ tiêu</td><td rowspan='2'>ĐVT</td>"
        "<td>Năm 2025</td><td colspan='2'>Năm 2026</td></tr>"
        "<tr><td>Ước thực hiện</td><td>Kế hoạch</td><td>So sánh (%)</td></tr>"
        "<tr><td>1</td><td>Số đơn đăng ký nhãn hiệu</td><td>Đơn</td><td>90</td><td>110</td><td>122</td></tr>"
        "</table></body></html>"
    ).encode()
    text = normalize_text(read_document_bytes("plan.html", html).text)
    records = [t.as_dict() for t in extract(text, catalog, PlanContext(2026, 2026, 2026)).targets]
    assert _table_summary(records) == [("trademark_applications", 110, 110, "Đơn", 2026, 90, 2025)]


def test_bold_markup_around_a_number_keeps_its_unit(catalog) -> None:
    (record,) = targets("II. MỤC TIÊU\n- Hỗ trợ **40** dự án khởi nghiệp đổi mới sáng tạo;", catalog)
    assert (record["indicator"], record["value_min"], record["unit"]) == ("innovative_startups", 40, "dự án")


def test_a_year_written_after_the_value_is_its_target_year(catalog) -> None:
    text = "II. MỤC TIÊU\n1. Tỷ lệ doanh nghiệp có hoạt động đổi mới sáng tạo đạt 20% vào năm 2027 và 35% vào năm 2030."
    assert [(r["value_min"], r["target_year"]) for r in targets(text, catalog)] == [(20, 2027), (35, 2030)]


def test_figures_in_a_situation_section_are_past(catalog) -> None:
    text = (
        "I. THỰC TRẠNG\n1. Toàn tỉnh có 35 doanh nghiệp khoa học và công nghệ, đạt 70% kế hoạch.\n"
        "II. MỤC TIÊU\n1. Phấn đấu có 50 doanh nghiệp khoa học và công nghệ."
    )
    assert [r["value_min"] for r in targets(text, catalog)] == [50]


def test_a_mid_year_review_reports_results_of_the_plan_year(catalog) -> None:
    text = (
        "I. KẾT QUẢ THỰC HIỆN 6 THÁNG ĐẦU NĂM 2026\n1. Đã triển khai 14 nhiệm vụ khoa học và công nghệ, đạt 56% kế hoạch.\n"
        "II. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2026\n1. Hoàn thành 25 nhiệm vụ khoa học và công nghệ.\n"
        "2. Kết quả cần đạt\n- Có thêm 04 doanh nghiệp khoa học và công nghệ."
    )
    context = PlanContext(2026, 2026, 2026)
    assert [r["value_min"] for r in targets(text, catalog, context)] == [25, 4]


def test_quotes_never_start_or_end_in_blanks(catalog) -> None:
    text = "II. MỤC TIÊU\nGhi chú\t100%\thồ sơ được tiếp nhận trực tuyến\n1. Phấn đấu có 15 doanh nghiệp khởi nghiệp "
    for record in extract(text, catalog, PLAN).targets:
        assert (
            record.quote == record.quote.strip() and text[record.char_start : record.char_end] == record.quote
        )


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Xây dựng từ hai đến ba mô hình ứng dụng tiến bộ kỹ thuật", ("range", 2, 3, "mô hình")),
        ("Đào tạo 2 nghìn lượt người về kỹ năng số", ("eq", 2000, 2000, "lượt người")),
        ("Thu hút đầu tư 1,5 nghìn tỷ đồng cho hạ tầng số", ("eq", 1500, 1500, "tỷ đồng")),
    ],
)
def test_word_ranges_and_scale_words(sentence: str, expected: tuple, catalog) -> None:
    (record,) = targets("II. MỤC TIÊU\n1. " + sentence + ".", catalog)
    assert (record["bound"], record["value_min"], record["value_max"], record["unit"]) == expected


def test_words_that_only_look_like_cues_once_folded_are_not_cues(catalog) -> None:
    (level,) = targets("II. MỤC TIÊU\n1. Năng suất lao động bình quân đạt 150 triệu đồng/người.", catalog)
    assert (level["target_type"], level["value_min"]) == ("level", 150)
    (tagged,) = targets("II. MỤC TIÊU\n1. Gắn mã truy xuất nguồn gốc cho 40 sản phẩm chủ lực.", catalog)
    assert (tagged["bound"], tagged["indicator"]) == ("eq", "traceability_products")
    text = "III. TỔ CHỨC THỰC HIỆN\n1. Giám đốc các sở cử 02 cán bộ đầu mối."
    assert targets(text, catalog) == []


def test_cue_lists_accept_text_typed_without_diacritics(catalog) -> None:
    text = "II. MUC TIEU\n1. Phan dau ty le doanh nghiep co hoat dong doi moi sang tao dat 30%."
    (record,) = targets(text, catalog)
    assert (record["value_min"], record["indicator"], record["decision_reason"]) == (
        30,
        "innovating_enterprise_share_pct",
        "commitment_cue",
    )


def test_rank_cells_and_year_only_headers(catalog) -> None:
    text = (
        "| STT | Chỉ tiêu | Đơn vị | Năm 2025 (số liệu ước) | Đến năm 2028 | Đến năm 2030 | So sánh 2030/2025 |\n"
        "|---|---|---|---|---|---|---|\n"
        "| 1 | Thứ hạng Chỉ số đổi mới sáng tạo cấp tỉnh | hạng | 30/34 | 22/34 | Nhóm 15/34 | 2 |\n"
    )
    records = targets(text, catalog)
    assert [
        (r["indicator"], r["bound"], r["value_min"], r["target_year"], r["baseline_value"]) for r in records
    ] == [
        ("pii_rank", "eq", 22, 2028, 30),
        ("pii_rank", "le", 15, 2030, 30),
    ]


def test_period_columns_before_and_within_the_plan(catalog) -> None:
    text = (
        "| STT | Chỉ tiêu | ĐVT | Giai đoạn 2021 - 2025 | Giai đoạn 2026 - 2030 |\n|---|---|---|---|---|\n"
        "| 1 | Số đề tài khoa học và công nghệ cấp tỉnh | Đề tài | 80 | 90 - 100 |\n"
    )
    (record,) = targets(text, catalog)
    assert (record["value_min"], record["value_max"], record["target_year"], record["baseline_value"]) == (
        90,
        100,
        2030,
        80,
    )


def test_a_counted_noun_outside_the_unit_list_after_a_bound_or_a_governing_verb(catalog) -> None:
    text = (
        "II. MỤC TIÊU\n1. Tổ chức hội chợ với không dưới 80 quầy trưng bày.\n"
        "2. Thành lập 01 quỹ đầu tư mạo hiểm của tỉnh.\n3. Trong đó có 3 nội dung chính."
    )
    assert [(r["value_min"], r["unit"]) for r in targets(text, catalog)] == [(80, "quầy"), (1, "quỹ")]


def test_a_same_unit_split_that_adds_up_is_one_target_with_components(catalog) -> None:
    text = "II. MỤC TIÊU\n1. Triển khai 40 đề tài cấp tỉnh, trong đó 25 đề tài mới và 15 đề tài chuyển tiếp."
    (record,) = targets(text, catalog)
    assert record["value_min"] == 40
    assert record["components"] == [
        {"label": "đề tài mới", "value": 25},
        {"label": "đề tài chuyển tiếp", "value": 15},
    ]
    share = "II. MỤC TIÊU\n1. Đầu tư cho khoa học và công nghệ đạt 2% GRDP, trong đó xã hội đóng góp 60%."
    assert [r["value_min"] for r in targets(share, catalog)] == [2, 60]


def test_a_numbered_heading_is_titled_by_the_words_before_its_colon(catalog) -> None:
    text = (
        "III. ĐÁNH GIÁ CHUNG\n1. Hạn chế: chỉ tiêu về mô hình chưa đạt (kế hoạch 08 mô hình, đạt 05 mô hình).\n"
        "IV. PHƯƠNG HƯỚNG\n1. Chỉ tiêu: xây dựng 08 mô hình ứng dụng tiến bộ kỹ thuật."
    )
    assert [r["value_min"] for r in targets(text, catalog, PlanContext(2026, 2026, 2025))] == [8]


def test_a_table_of_support_rates_gives_norms_and_row_numbers_are_not_values(catalog) -> None:
    text = (
        "Điều 2. Chính sách hỗ trợ\nSTT\tNội dung hỗ trợ\tMức hỗ trợ\tMức tối đa\n"
        "1\tĐăng ký bảo hộ nhãn hiệu tập thể\t100% chi phí\t120 triệu đồng/nhãn hiệu\n"
        "2\tDoanh nghiệp đổi mới công nghệ\t30% kinh phí\t400 triệu đồng/dự án\n"
    )
    result = extract(normalize_text(text), catalog, PLAN)
    assert result.targets == []
    assert {d.kind for d in result.decisions if d.text not in {"2"}} <= {"norm", "ordinal"}
    plain = "III. NHIỆM VỤ\n| 3 | Hỗ trợ doanh nghiệp đổi mới công nghệ | theo nhu cầu |\n| 4 | Ghi chú | |"
    assert [d.kind for d in extract(normalize_text(plain), catalog, PLAN).decisions] == [
        "list_number",
        "list_number",
    ]


def test_budget_rows_and_the_change_of_a_budget_are_not_targets(catalog) -> None:
    text = (
        "| STT | Chỉ tiêu | ĐVT | Ước TH 2025 | KH 2026 |\n|---|---|---|---|---|\n"
        "| 1 | Kinh phí sự nghiệp khoa học được giao | tỷ đồng | 40,5 | 44 |\n"
        "| 2 | Số đề tài cấp tỉnh | đề tài | 20 | 24 |\n"
        "4. Kinh phí\nDự toán kinh phí sự nghiệp khoa học năm 2026 là 44 tỷ đồng, tăng 8,6% so với năm 2025.\n"
    )
    result = extract(normalize_text(text), catalog, PLAN)
    assert [(t.value_min, t.unit) for t in result.targets] == [(24, "đề tài")]
    assert {d.text: d.kind for d in result.decisions}["8,6%"] == "budget"


def test_units_in_scope_per_unit_minimums_and_period_asides(catalog) -> None:
    text = (
        "II. MỤC TIÊU\n1. Hoàn thành phủ sóng 5G đến 95 xã, phường trên địa bàn.\n"
        "2. Bảo đảm mỗi thôn, bản có 01 điểm truy cập internet công cộng.\n"
        "3. Tỷ lệ sáng kiến đã công nhận được nhân rộng không thấp hơn 40% (giai đoạn 2021 - 2025: 28%)."
    )
    records = targets(text, catalog)
    assert [(r["value_min"], r["unit"]) for r in records] == [(1, "điểm/thôn"), (40, "%")]
    assert (records[1]["baseline_value"], records[1]["baseline_year"]) == (28, 2025)


def test_counts_per_year_and_per_unit_carry_it_in_their_unit(catalog) -> None:
    text = (
        "II. MỤC TIÊU\n1. Hằng năm tổ chức ít nhất 02 cuộc thi sáng tạo kỹ thuật.\n"
        "2. Tổ chức tối thiểu 03 lớp tập huấn mỗi năm.\n3. Mỗi huyện bố trí ít nhất 01 cán bộ theo dõi.\n"
        "4. Tỷ lệ chi cho khoa học đạt 2% tổng chi ngân sách hằng năm."
    )
    assert [r["unit"] for r in targets(text, catalog)] == ["cuộc thi/năm", "lớp/năm", "cán bộ/huyện", "%"]


def test_table_units_of_ranks_and_of_personnel_per_population(catalog) -> None:
    text = (
        "| STT | Chỉ tiêu | Đơn vị | Năm 2025 | Năm 2030 |\n|---|---|---|---|---|\n"
        "| 1 | Chỉ số đổi mới sáng tạo cấp tỉnh | Thứ hạng | 28/34 | 18/34 |\n"
        "| 2 | Nhân lực nghiên cứu và phát triển | Người/vạn dân | 5 | 9 |\n"
    )
    assert [r["unit"] for r in targets(text, catalog)] == ["hạng", "người/10.000 dân"]


def test_a_preamble_lead_in_does_not_give_its_year_to_the_numbered_sections(catalog) -> None:
    text = (
        "UBND tỉnh ban hành Kế hoạch giai đoạn 2026 - 2028, định hướng đến năm 2035 như sau:\n"
        "I. MỤC TIÊU\n1. Mục tiêu cụ thể đến năm 2028\na) Có 30 doanh nghiệp khoa học và công nghệ."
    )
    (record,) = targets(text, catalog, PlanContext(2026, 2028, 2026))
    assert record["target_year"] == 2028


def test_an_indicator_must_count_what_the_number_counts(catalog) -> None:
    text = (
        "II. MỤC TIÊU\n1. Tỷ lệ sản phẩm OCOP được gắn tem truy xuất nguồn gốc đạt 70%.\n"
        "2. Số sản phẩm được cấp tem truy xuất nguồn gốc tăng 20%.\n"
        "3. Thời gian thẩm định hồ sơ doanh nghiệp khoa học và công nghệ tối đa 10 ngày.\n"
        "4. Đến năm 2030, có 06 tổ chức khoa học và công nghệ ngoài công lập đủ năng lực nghiên cứu, chuyển giao "
        "công nghệ.\n5. Kinh phí huy động từ xã hội chiếm trên 55%."
    )
    assert [r["indicator"] for r in targets(text, catalog)] == [
        "other",
        "traceability_products",
        "other",
        "st_organizations",
        "rd_social_share_pct",
    ]


def test_a_table_label_is_read_by_its_head_first(catalog) -> None:
    text = (
        "| STT | Chỉ tiêu | ĐVT | Năm 2025 | Năm 2030 |\n|---|---|---|---|---|\n"
        "| 1 | Hợp đồng chuyển giao công nghệ của doanh nghiệp khoa học và công nghệ | Hợp đồng | 10 | 25 |\n"
        "| 2 | Tỷ lệ sản phẩm OCOP có mã truy xuất nguồn gốc | % | 40 | 80 |\n"
    )
    assert [r["indicator"] for r in targets(text, catalog)] == ["tech_transfer_contracts", "other"]


def test_a_request_to_another_body_is_not_a_target(catalog) -> None:
    text = (
        "III. NHIỆM VỤ\n1. Đề nghị Bộ Khoa học và Công nghệ hỗ trợ tỉnh triển khai 03 dự án thuộc Chương trình "
        "nông thôn miền núi.\n2. Triển khai 03 dự án thuộc Chương trình nông thôn miền núi."
    )
    result = extract(normalize_text(text), catalog, PLAN)
    assert [t.value_min for t in result.targets] == [3]
    assert ("request", "request_to_another_body") in {(d.kind, d.reason) for d in result.decisions}


def test_a_guessed_counted_noun_and_a_capitalised_table_unit_are_checked_against_the_indicator(
    catalog,
) -> None:
    text = (
        "II. MỤC TIÊU\n1. Hình thành 01 sàn giao dịch công nghệ trực tuyến.\n"
        "| STT | Chỉ tiêu | Đơn vị tính | Năm 2025 | Năm 2030 |\n|---|---|---|---|---|\n"
        "| 1 | Giá trị giao dịch công nghệ | Tỷ đồng | 120 | 240 |\n"
    )
    assert [r["indicator"] for r in targets(text, catalog)] == ["other", "tech_market_value"]


def test_a_single_subset_takes_the_indicator_of_its_target(catalog) -> None:
    text = (
        "II. MỤC TIÊU\n1. Có ít nhất 80 hợp đồng chuyển giao công nghệ được ký kết; trong đó không dưới 20 hợp đồng "
        "thuộc lĩnh vực nông nghiệp."
    )
    assert [(r["indicator"], r["value_min"]) for r in targets(text, catalog)] == [
        ("tech_transfer_contracts", 80),
        ("tech_transfer_contracts", 20),
    ]


def test_every_number_of_a_plan_gets_a_decision(catalog) -> None:
    import re

    text = normalize_text(
        "Số: 12/KH-UBND\nII. MỤC TIÊU\n1. Phấn đấu có 30 doanh nghiệp khoa học và công nghệ.\n"
        "| STT | Chỉ tiêu | ĐVT | Ước TH 2025 | KH 2026 | So sánh (%) |\n|---|---|---|---|---|---|\n"
        "| 1 | Số đề tài cấp tỉnh | Đề tài | 20 | 24 | 120 |\nNơi nhận:\n- Lưu: VT, 02 bản."
    )
    result = extract(text, catalog, PLAN)
    covered = {i for d in result.decisions for i in range(d.char_start, d.char_end)}
    assert all(m.start() in covered for m in re.finditer(r"\d+", text))
    kinds = {d.text: d.kind for d in result.decisions}
    assert (kinds["20"], kinds["24"], kinds["120"], kinds["02"]) == (
        "baseline",
        "target",
        "table_cell",
        "outside_body",
    )


def test_every_target_has_the_same_signal_keys(catalog) -> None:
    from pipelines.targets.model import SIGNAL_DEFAULTS

    text = (
        "II. MỤC TIÊU\n1. Phấn đấu có 12 doanh nghiệp khoa học và công nghệ.\n"
        "2. Mức chi cho khoa học và công nghệ đảm bảo tối thiểu bằng mức dự toán Trung ương giao.\n"
        "| STT | Chỉ tiêu | ĐVT | Năm 2025 | Năm 2030 |\n|---|---|---|---|---|\n| 1 | Số đơn đăng ký sáng chế | Đơn | 8 | 20 |\n"
    )
    records = targets(text, catalog)
    assert {r["source"] for r in records} == {"prose", "table"} and any(r["qualitative"] for r in records)
    assert all(set(r["signals"]) == set(SIGNAL_DEFAULTS) for r in records)


def test_percent_written_as_a_word(catalog) -> None:
    (record,) = targets("II. MỤC TIÊU\n1. Tỷ lệ hồ sơ được giải quyết trực tuyến đạt 90 phần trăm.", catalog)
    assert (record["value_min"], record["unit"]) == (90, "%")


def test_a_rise_to_a_percentage_against_a_year_is_a_rise(catalog) -> None:
    text = "II. MỤC TIÊU\n1. Tăng số hợp đồng chuyển giao công nghệ lên 25% so với năm 2025."
    (record,) = targets(text, catalog)
    assert (record["indicator"], record["target_type"], record["value_min"], record["baseline_year"]) == (
        "tech_transfer_contracts",
        "increase_by",
        25,
        2025,
    )


def test_explain_reads_a_pdf_through_the_same_reader(tmp_path, capsys) -> None:
    """A PDF with a Vietnamese text layer (Identity-H font, as Word writes it) is explained like any plan."""
    import argparse
    import json

    from pipelines.evaluation.explain import add_explain_command
    from tests.test_readers import unicode_font_pdf

    path = tmp_path / "plan.pdf"
    path.write_bytes(unicode_font_pdf("Phấn đấu đến năm 2030 có 25 doanh nghiệp khoa học và công nghệ."))
    parser = argparse.ArgumentParser()
    add_explain_command(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["explain", "--json", str(path)])
    assert args.handler(args) == 0
    rows = json.loads(capsys.readouterr().out)["numbers"]
    assert {(r["number"], r["decision"]) for r in rows} == {("2030", "year"), ("25", "target")}
    assert [r["indicator"] for r in rows if r["decision"] == "target"] == ["st_enterprises"]


def _case_variants(word: str) -> list[str]:
    """`word` with one letter replaced by each character IGNORECASE matches it to (ſ for s, İ ı for i, capitals)."""
    import re
    import sys

    variants = []
    for index, letter in enumerate(word):
        pattern = re.compile(re.escape(letter), re.IGNORECASE)
        for code in range(sys.maxunicode + 1):
            other = chr(code)
            if other != letter and pattern.fullmatch(other):
                variants.append(word[:index] + other + word[index + 1 :])
    return variants


@pytest.mark.parametrize(
    ("template", "word", "value"),
    [
        ("ít nhất {} mô hình", "sáu", 6),
        ("tổ chức {} khóa đào tạo", "hai", 2),
        ("từ hai đến {} mô hình", "sáu", None),
        ("tăng gấp {} lần", "hai", 2),
        ("{} phần hai số xã", "một", 50),
        ("đạt 2 {} lượt", "triệu", 2_000_000),
    ],
)
def test_number_words_matched_case_insensitively_are_read_not_crashed(template, word, value):
    """A letter the case-insensitive patterns match but lower() does not give back ("ſáu", "HAİ")
    once raised KeyError and turned the plan's targets into an extractor error: it reads as the word."""
    for variant in _case_variants(word):
        clause = template.format(variant)
        found = read_mentions(clause)  # must not raise
        expected = read_mentions(template.format(word))
        assert [(m.low, m.high, m.form) for m in found] == [(m.low, m.high, m.form) for m in expected], clause
        if value is not None:
            assert any(m.low == value for m in found), clause
