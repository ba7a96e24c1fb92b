"""The reference seeds: theme lexicon, national targets and reference statistics.

Theme matching mirrors the contract of the theme matcher: fold the text (NFD, drop combining marks,
đ -> d, lowercase, collapse whitespace) and count non-overlapping `re.finditer` matches of every
` | `-separated pattern of a theme.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "dbt_project" / "seeds"
THEMES = SEEDS / "themes.csv"
TARGETS = SEEDS / "national_targets.csv"
STATISTICS = SEEDS / "reference_statistics.csv"
INDICATORS = SEEDS / "indicators.csv"
PROVINCES = SEEDS / "provinces.csv"
REFERENCE_DIR = REPO / "data" / "raw" / "reference"

THEME_COLUMNS = ["code", "name_vi", "name_en", "patterns", "description"]
TARGET_COLUMNS = [
    "target_key",
    "indicator_code",
    "target_type",
    "source_doc",
    "source_doc_type",
    "issuer_code",
    "issue_date",
    "target_year",
    "bound",
    "value_min",
    "value_max",
    "unit",
    "basis",
    "status",
    "source_url",
    "note",
]
STATISTIC_COLUMNS = [
    "province_code",
    "province_name",
    "statistic",
    "year",
    "value",
    "unit",
    "status",
    "source",
    "source_url",
    "note",
]
REQUIRED_THEMES = {
    "intellectual_property",
    "innovation_startup",
    "st_enterprises_market",
    "standards_metrology_quality",
    "traceability",
    "radiation_nuclear_safety",
    "digital_transformation",
    "rd_human_resources",
    "st_finance",
    "international_cooperation",
    "agriculture",
    "health",
    "environment",
    "tourism",
    "social_sciences",
    "pii_innovation_index",
    "administrative_reform",
    "inspection",
}
BOUNDS = {"eq", "ge", "gt", "le", "lt", "range"}
TARGET_TYPES = {"level", "increase_by", "multiply_by", "annual_growth_pct"}
SEPARATOR = " | "


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", stripped.lower()).strip()


def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def theme_patterns() -> dict[str, list[re.Pattern[str]]]:
    _, rows = read(THEMES)
    return {row["code"]: [re.compile(p) for p in row["patterns"].split(SEPARATOR)] for row in rows}


def theme_counts(text: str) -> dict[str, int]:
    folded = fold(text)
    counts = {
        code: sum(len(list(p.finditer(folded))) for p in patterns)
        for code, patterns in theme_patterns().items()
    }
    return {code: n for code, n in counts.items() if n}


# --------------------------------------------------------------------------- all seeds


@pytest.mark.parametrize("path", [THEMES, TARGETS, STATISTICS], ids=lambda p: p.name)
def test_vietnamese_text_is_nfc_with_official_tone_marks(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text == unicodedata.normalize("NFC", text)
    # Official placement puts the tone on the first vowel of an open "oa/oe/uy" ("Hòa", "Thủy", "Ủy").
    new_style = re.findall(r"(?i)\w*(?:o[àáảãạ]|o[èéẻẽẹ]|(?<!q)u[ỳýỷỹỵ])\b", text)
    assert not new_style


# --------------------------------------------------------------------------- themes


def test_themes_header_and_codes() -> None:
    header, rows = read(THEMES)
    assert header == THEME_COLUMNS
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes))
    assert REQUIRED_THEMES <= set(codes)
    for row in rows:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", row["code"]), row["code"]
        assert row["name_vi"] and row["name_en"] and row["description"], row["code"]


def test_theme_patterns_compile_and_are_folded() -> None:
    _, rows = read(THEMES)
    for row in rows:
        patterns = row["patterns"].split(SEPARATOR)
        assert patterns and all(p.strip() == p and p for p in patterns), row["code"]
        assert len(patterns) == len(set(patterns)), row["code"]
        for pattern in patterns:
            re.compile(pattern)
            assert pattern.isascii(), f"{row['code']}: {pattern!r} has diacritics"
            assert pattern == pattern.lower(), pattern
            assert not re.search(r"[đĐ]", pattern)


# (sentence, theme it must hit)
THEME_CASES = [
    ("Hỗ trợ đăng ký bảo hộ nhãn hiệu tập thể cho sản phẩm OCOP của tỉnh.", "intellectual_property"),
    ("Xây dựng, quản lý và phát triển chỉ dẫn địa lý cho vải thiều.", "intellectual_property"),
    ("Phấn đấu có ít nhất 5 đơn đăng ký sáng chế, giải pháp hữu ích.", "intellectual_property"),
    ("Tăng cường thực thi quyền sở hữu trí tuệ, xử lý hàng giả.", "intellectual_property"),
    ("Xây dựng, thúc đẩy hệ sinh thái khởi nghiệp đổi mới sáng tạo tỉnh.", "innovation_startup"),
    ("Thành lập Trung tâm Đổi mới sáng tạo tỉnh và vườn ươm doanh nghiệp.", "innovation_startup"),
    ("Hỗ trợ 10 dự án khởi nghiệp, tổ chức cuộc thi ý tưởng khởi nghiệp.", "innovation_startup"),
    ("Hỗ trợ 3 doanh nghiệp đạt tiêu chí doanh nghiệp khoa học và công nghệ.", "st_enterprises_market"),
    ("Phát triển thị trường KH&CN, kết nối cung cầu qua sàn giao dịch công nghệ.", "st_enterprises_market"),
    ("Thúc đẩy thương mại hóa kết quả nghiên cứu khoa học.", "st_enterprises_market"),
    ("Hỗ trợ doanh nghiệp đổi mới công nghệ, chuyển giao công nghệ tiên tiến.", "technology_transfer"),
    (
        "Xây dựng tiêu chuẩn cơ sở, áp dụng TCVN ISO 9001:2015 tại cơ quan hành chính.",
        "standards_metrology_quality",
    ),
    (
        "Kiểm định, hiệu chuẩn phương tiện đo; quản lý đo lường hàng đóng gói sẵn.",
        "standards_metrology_quality",
    ),
    ("Nâng cao năng suất và chất lượng sản phẩm, hàng hóa của doanh nghiệp.", "standards_metrology_quality"),
    ("Triển khai hệ thống truy xuất nguồn gốc, cấp tem truy xuất cho nông sản.", "traceability"),
    ("Bảo đảm an toàn bức xạ tại các cơ sở X-quang y tế.", "radiation_nuclear_safety"),
    ("Xây dựng kế hoạch ứng phó sự cố bức xạ và hạt nhân cấp tỉnh.", "radiation_nuclear_safety"),
    ("Đẩy mạnh chuyển đổi số, phát triển kinh tế số và xã hội số.", "digital_transformation"),
    ("Xây dựng cơ sở dữ liệu về khoa học, công nghệ và ứng dụng trí tuệ nhân tạo.", "digital_transformation"),
    ("Thu hút nhà khoa học, chuyên gia đầu ngành; đào tạo nhân lực KH&CN.", "rd_human_resources"),
    ("Bồi dưỡng nghiệp vụ cho đội ngũ cán bộ nghiên cứu trẻ.", "rd_human_resources"),
    ("Bố trí ngân sách nhà nước và kinh phí từ Quỹ phát triển khoa học và công nghệ.", "st_finance"),
    ("Huy động các nguồn lực đầu tư cho khoa học và công nghệ, đẩy mạnh xã hội hóa.", "st_finance"),
    ("Mở rộng hợp tác quốc tế với các tổ chức khoa học nước ngoài.", "international_cooperation"),
    ("Chọn tạo giống cây trồng mới, phát triển nông nghiệp ứng dụng công nghệ cao.", "agriculture"),
    ("Ứng dụng kỹ thuật mới trong chăn nuôi, nuôi trồng thủy sản.", "agriculture"),
    ("Nghiên cứu phát triển dược liệu, nâng cao chất lượng khám chữa bệnh.", "health"),
    ("Ứng dụng công nghệ xử lý chất thải rắn, giảm ô nhiễm môi trường.", "environment"),
    ("Thích ứng với biến đổi khí hậu, sử dụng năng lượng tái tạo.", "environment"),
    ("Phát triển sản phẩm du lịch gắn với di tích lịch sử.", "tourism"),
    ("Đẩy mạnh nghiên cứu khoa học xã hội và nhân văn phục vụ phát triển tỉnh.", "social_sciences"),
    ("Cải thiện Chỉ số đổi mới sáng tạo cấp địa phương (PII) của tỉnh.", "pii_innovation_index"),
    ("Đẩy mạnh cải cách hành chính, đơn giản hóa thủ tục hành chính.", "administrative_reform"),
    ("Tăng cường công tác thanh tra, kiểm tra chuyên ngành về KH&CN.", "inspection"),
    (
        "Thực hiện chế độ báo cáo thống kê KH&CN, phát triển thông tin khoa học và công nghệ.",
        "st_information_statistics",
    ),
    ("Ứng dụng thành tựu cuộc Cách mạng công nghiệp lần thứ tư, tự động hóa sản xuất.", "industry_4_0"),
]


@pytest.mark.parametrize(("sentence", "theme"), THEME_CASES, ids=[t for _, t in THEME_CASES])
def test_sentence_hits_expected_theme(sentence: str, theme: str) -> None:
    assert theme_counts(sentence).get(theme, 0) >= 1, (fold(sentence), theme_counts(sentence))


NO_THEME = [
    "Kế hoạch khoa học, công nghệ và đổi mới sáng tạo tỉnh Hưng Yên năm 2024",
    "Ủy ban nhân dân tỉnh ban hành Kế hoạch này để thực hiện.",
    "Các sở, ban, ngành căn cứ chức năng, nhiệm vụ được giao tổ chức thực hiện.",
    "Tăng trưởng kinh tế so với năm trước đạt 7%.",
]


@pytest.mark.parametrize("sentence", NO_THEME)
def test_generic_sentence_hits_no_theme(sentence: str) -> None:
    assert theme_counts(sentence) == {}


@pytest.mark.parametrize(
    ("sentence", "theme"),
    [
        ("Kế hoạch khoa học, công nghệ và đổi mới sáng tạo tỉnh Tây Ninh năm 2024", "innovation_startup"),
        ("Cải thiện Chỉ số đổi mới sáng tạo cấp địa phương.", "innovation_startup"),
        ("Tạo môi trường đầu tư, kinh doanh thuận lợi.", "environment"),
        ("Sở Giáo dục và Đào tạo phối hợp thực hiện.", "rd_human_resources"),
        ("Áp dụng công nghệ sơ chế, bảo quản nông sản.", "digital_transformation"),
        ("Doanh nghiệp giữ vai trò hạt nhân trong hệ thống.", "radiation_nuclear_safety"),
        ("Tận dụng bức xạ mặt trời để phát điện.", "radiation_nuclear_safety"),
    ],
)
def test_generic_words_do_not_fire(sentence: str, theme: str) -> None:
    assert theme not in theme_counts(sentence)


def test_counts_are_per_match() -> None:
    counts = theme_counts("Bảo hộ nhãn hiệu; phát triển nhãn hiệu; khai thác nhãn hiệu.")
    assert counts["intellectual_property"] == 3


# --------------------------------------------------------------------------- national targets


def indicator_codes() -> set[str]:
    _, rows = read(INDICATORS)
    return {row["code"] for row in rows}


def test_national_targets_header_and_keys() -> None:
    header, rows = read(TARGETS)
    assert header == TARGET_COLUMNS
    assert rows
    keys = [row["target_key"] for row in rows]
    assert len(keys) == len(set(keys))


def test_national_targets_values() -> None:
    _, rows = read(TARGETS)
    codes = indicator_codes()
    for row in rows:
        key = row["target_key"]
        assert row["indicator_code"] in codes, key
        assert row["target_type"] in TARGET_TYPES, key
        assert row["bound"] in BOUNDS, key
        assert row["status"] == "as reported", key
        assert 2020 <= int(row["target_year"]) <= 2050, key
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["issue_date"]), key
        assert "," not in row["value_min"] and "," not in row["value_max"], key
        low, high = float(row["value_min"]), float(row["value_max"])
        assert math.isfinite(low) and math.isfinite(high), key
        assert low <= high, key
        assert (low < high) == (row["bound"] == "range"), key
        assert row["unit"], key
        assert row["source_url"].startswith("https://") or (not row["source_url"] and row["note"]), key


def test_national_targets_core_rows() -> None:
    _, rows = read(TARGETS)
    by = {(r["source_doc"], r["indicator_code"], int(r["target_year"])): r for r in rows}
    spend_2030 = by[("569/QĐ-TTg", "rd_spend_pct_grdp", 2030)]
    assert (spend_2030["bound"], float(spend_2030["value_min"]), float(spend_2030["value_max"])) == (
        "range",
        1.5,
        2.0,
    )
    assert spend_2030["unit"] == "% GRDP" and "national: % GDP" in spend_2030["basis"]
    doubling = by[("569/QĐ-TTg", "st_enterprises", 2030)]
    assert (doubling["target_type"], doubling["unit"], float(doubling["value_min"])) == (
        "multiply_by",
        "lần",
        2,
    )
    assert by[("569/QĐ-TTg", "patent_applications", 2030)]["target_type"] == "annual_growth_pct"
    social = by[("57-NQ/TW", "rd_social_share_pct", 2030)]
    assert (social["bound"], float(social["value_min"])) == ("gt", 60)
    assert float(by[("57-NQ/TW", "rd_spend_pct_grdp", 2030)]["value_min"]) == 2


# --------------------------------------------------------------------------- reference statistics


def province_codes() -> dict[str, str]:
    _, rows = read(PROVINCES)
    return {row["province_code"]: row["province_name"] for row in rows}


def statistic_files() -> list[Path]:
    extra = sorted(p for p in REFERENCE_DIR.glob("*.csv") if not p.name.startswith("_"))
    return [STATISTICS, *extra]


@pytest.mark.parametrize("path", statistic_files(), ids=lambda p: p.name)
def test_reference_statistics(path: Path) -> None:
    header, rows = read(path)
    assert header == STATISTIC_COLUMNS
    provinces = province_codes()
    keys = [(r["province_code"], r["statistic"], r["year"], r["source"]) for r in rows]
    assert len(keys) == len(set(keys))
    for row in rows:
        code = row["province_code"]
        assert re.fullmatch(r"\d{2}", code), row
        assert code in provinces, row
        assert row["province_name"] == provinces[code], row
        assert re.fullmatch(r"-?\d+(\.\d+)?", row["value"]), row
        assert math.isfinite(float(row["value"])), row
        assert 2015 <= int(row["year"]) <= 2030, row
        assert re.fullmatch(r"[a-z][a-z0-9_]*", row["statistic"]), row
        assert row["unit"] and row["status"], row
        assert row["source_url"] or row["note"], row


def test_reference_statistics_rows() -> None:
    _, rows = read(STATISTICS)
    by = {(r["province_code"], r["statistic"], int(r["year"])): r for r in rows}
    assert float(by[("33", "grdp_current_prices", 2023)]["value"]) == 146317
    assert float(by[("30", "grdp_current_prices", 2022)]["value"]) == 169179
    assert float(by[("72", "grdp_current_prices", 2022)]["value"]) == 102059.8
    rank = by[("72", "pii_rank", 2023)]
    assert (float(rank["value"]), rank["unit"]) == (38, "hạng")
    assert "63" in rank["note"]
    for row in rows:
        if not row["source_url"]:
            assert "source to be confirmed" in row["note"], row


def test_reference_template_is_header_only() -> None:
    template = REFERENCE_DIR / "_template.csv"
    lines = template.read_text(encoding="utf-8").splitlines()
    assert lines == [",".join(STATISTIC_COLUMNS)]
