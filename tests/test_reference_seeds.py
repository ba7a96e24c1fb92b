"""The reference seeds: theme lexicon, national targets and reference statistics.

Themes are counted by the pipeline's own matcher (`pipelines.themes.theme_mentions` with the seed's
lexicon): non-overlapping matches of every ` | `-separated pattern of a theme in the folded text.
"""

from __future__ import annotations

import csv
import json
import math
import re
import unicodedata
from pathlib import Path

import pytest

from pipelines.metadata.vocabulary import label_codes
from pipelines.text.normalize import fold_diacritics
from pipelines.themes import load_lexicon, theme_mentions

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "dbt_project" / "seeds"
THEMES = SEEDS / "themes.csv"
TARGETS = SEEDS / "national_targets.csv"
STATISTICS = SEEDS / "reference_statistics.csv"
INDICATORS = SEEDS / "indicators.csv"
PROVINCES = SEEDS / "provinces.csv"
REFERENCE_DIR = REPO / "data" / "raw" / "reference"
LABELLED_SETS = REPO / "tests" / "fixtures"

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
# the codes a national target may use are the project's declared vocabularies (seed labels_vi)
BOUNDS = label_codes("bound")
TARGET_TYPES = label_codes("target_type")
SEPARATOR = " | "


def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def theme_counts(text: str) -> dict[str, int]:
    """Mentions per theme of `text` as the pipeline counts them (every section added up)."""
    counts: dict[str, int] = {}
    for row in theme_mentions("0" * 16, text, load_lexicon(THEMES)):
        counts[row["theme_code"]] = counts.get(row["theme_code"], 0) + row["mentions"]
    return counts


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
    assert theme_counts(sentence).get(theme, 0) >= 1, (fold_diacritics(sentence), theme_counts(sentence))


def test_sentences_and_lexicon_cover_each_other() -> None:
    """Every theme of the seed is hit by an example sentence and every example names a seed theme:
    a theme deleted or renamed in the seed fails here."""
    _, rows = read(THEMES)
    codes, exercised = {row["code"] for row in rows}, {theme for _, theme in THEME_CASES}
    assert sorted(codes - exercised) == []
    assert sorted(exercised - codes) == []


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


def labelled_target_keys() -> set[tuple[str, str, str]]:
    """(indicator, target type, unit) of every target an analyst labelled in a provincial plan."""
    keys = set()
    for path in sorted(LABELLED_SETS.glob("*/*.json")):
        for target in json.loads(path.read_text(encoding="utf-8")).get("targets", []):
            keys.add((target["indicator"], target["target_type"], target.get("unit")))
    return keys


def test_every_national_target_can_meet_provincial_targets() -> None:
    """int_target_vs_national joins on indicator, target type, unit and year: a national target in a
    unit no provincial plan writes (or of a type they do not use) would never be compared."""
    _, rows = read(TARGETS)
    provincial = labelled_target_keys()
    unmet = [
        r["target_key"] for r in rows if (r["indicator_code"], r["target_type"], r["unit"]) not in provincial
    ]
    assert unmet == []


def test_national_targets_say_what_they_were_stated_of() -> None:
    """A national figure is of GDP where the province's is of GRDP, and a multiple or an increase is of
    a base year: the basis says so, for the person who reads the comparison."""
    _, rows = read(TARGETS)
    for row in rows:
        if row["unit"] == "% GRDP":
            assert row["basis"].startswith("national: % GDP"), row["target_key"]
        if row["target_type"] in ("multiply_by", "increase_by"):
            assert re.search(r"so với năm \d{4}", row["basis"]), row["target_key"]


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


def test_reference_statistics_are_consistent() -> None:
    """One unit per statistic; a rank is a whole number no larger than the number of provinces ranked
    (the provinces seed); an amount of money is positive; a figure without a source says it is still
    to be confirmed."""
    _, rows = read(STATISTICS)
    units: dict[str, set[str]] = {}
    for row in rows:
        units.setdefault(row["statistic"], set()).add(row["unit"])
    assert {statistic: len(found) for statistic, found in units.items()} == dict.fromkeys(units, 1)
    legacy_units = len(province_codes())
    for row in rows:
        value = float(row["value"])
        if row["unit"] == "hạng":
            assert value.is_integer() and 1 <= value <= legacy_units, row
        if row["unit"].endswith("đồng"):
            assert value > 0, row
        if not row["source_url"]:
            assert "source to be confirmed" in row["note"], row


def test_reference_template_is_header_only() -> None:
    template = REFERENCE_DIR / "_template.csv"
    lines = template.read_text(encoding="utf-8").splitlines()
    assert lines == [",".join(STATISTIC_COLUMNS)]
