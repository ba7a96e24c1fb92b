"""The indicator catalog seed (dbt_project/seeds/indicators.csv): shape, and phrase -> code matching.

The matching below mirrors the contract the extractor relies on: fold the indicator phrase (lowercase, no
Vietnamese diacritics, đ -> d, single spaces), append " " + folded unit, and take the code with the lowest
`priority` one of whose ` | `-separated patterns `re.search`es the string.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

import pytest

CATALOG = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "indicators.csv"
COLUMNS = [
    "code",
    "name_vi",
    "name_en",
    "unit",
    "pillar",
    "priority",
    "patterns",
    "definition",
    "definition_vi",
    "dashboard_group",
]
REQUIRED = [
    "rd_spend_pct_grdp",
    "rd_social_share_pct",
    "state_st_budget_share_pct",
    "state_st_spend",
    "rd_personnel_per_10k",
    "tfp_contribution_pct",
    "st_enterprises",
    "innovative_startups",
    "innovating_enterprise_share_pct",
    "ip_applications",
    "patent_applications",
    "trademark_applications",
    "ip_grants",
    "ip_collective_cert_marks",
    "ip_marks_supported",
    "st_tasks",
    "st_application_models",
    "st_organizations",
    "hightech_output_share_pct",
    "digital_economy_share_pct",
    "pii_score",
    "pii_rank",
    "other",
]
# (specific, general): the first must be tried before the second.
ORDER = [
    ("patent_applications", "ip_applications"),
    ("trademark_applications", "ip_applications"),
    ("rd_social_share_pct", "rd_spend_pct_grdp"),
    ("ip_marks_supported", "ip_collective_cert_marks"),
    ("innovating_enterprise_share_pct", "innovative_startups"),
    ("innovating_enterprise_share_pct", "st_enterprises"),
    ("pii_rank", "pii_score"),
]
SEPARATOR = " | "


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", stripped.lower()).strip()


def load_rows() -> list[dict[str, str]]:
    with CATALOG.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def split_patterns(field: str) -> list[str]:
    return [p for p in field.split(SEPARATOR) if p] if field else []


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return load_rows()


@pytest.fixture(scope="module")
def matcher(rows):
    compiled = sorted(
        (
            (int(r["priority"]), r["code"], [re.compile(p) for p in split_patterns(r["patterns"])])
            for r in rows
        ),
        key=lambda t: t[0],
    )

    def match(label: str, unit: str = "") -> str:
        text = fold(label) + " " + fold(unit)
        for _, code, patterns in compiled:
            if any(p.search(text) for p in patterns):
                return code
        return "other"

    return match


def test_required_codes_present_once(rows):
    codes = [r["code"] for r in rows]
    for code in REQUIRED:
        assert codes.count(code) == 1, code


def test_codes_unique_snake_case(rows):
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    for code in codes:
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", code), code


def test_text_columns(rows):
    for r in rows:
        assert r["pillar"] in {"input", "output"}, r["code"]
        assert r["name_vi"] and r["name_en"] and r["definition"] and r["definition_vi"], r["code"]
        assert unicodedata.normalize("NFC", r["name_vi"]) == r["name_vi"], r["code"]
        assert unicodedata.normalize("NFC", r["definition_vi"]) == r["definition_vi"], r["code"]
        assert r["unit"] and unicodedata.normalize("NFC", r["unit"]) == r["unit"], r["code"]


def test_patterns_compile_and_are_folded(rows):
    for r in rows:
        patterns = split_patterns(r["patterns"])
        if r["code"] == "other":
            assert patterns == []
            continue
        assert patterns, r["code"]
        for p in patterns:
            re.compile(p)
            assert p == p.strip(), (r["code"], p)
            assert fold(p) == p, (r["code"], p)  # written lowercase, without diacritics
            top_level = p
            while (reduced := re.sub(r"\([^()]*\)", "", top_level)) != top_level:
                top_level = reduced
            assert "|" not in top_level, (r["code"], p)  # alternation only inside groups


def test_priorities(rows):
    prio = {r["code"]: int(r["priority"]) for r in rows}
    assert all(re.fullmatch(r"\d+", r["priority"]) for r in rows)
    assert prio["other"] == 999
    assert prio["other"] > max(v for k, v in prio.items() if k != "other")
    for specific, general in ORDER:
        assert prio[specific] < prio[general], (specific, general)


PHRASES = [
    # spending
    ("đầu tư cho KH&CN đạt", "% GRDP", "rd_spend_pct_grdp"),
    ("phấn đấu đến năm 2025, đầu tư cho KH&CN đạt", "", "rd_spend_pct_grdp"),
    ("tổng đầu tư xã hội cho khoa học, công nghệ và đổi mới sáng tạo đạt", "% GDP", "rd_spend_pct_grdp"),
    ("chi cho nghiên cứu và phát triển (R&D) đạt", "% GRDP", "rd_spend_pct_grdp"),
    ("đóng góp của xã hội cho nghiên cứu khoa học, phát triển công nghệ chiếm", "%", "rd_social_share_pct"),
    ("trong đó kinh phí từ xã hội chiếm hơn", "%", "rd_social_share_pct"),
    ("tỷ trọng đóng góp của xã hội cho R&D đạt", "%", "rd_social_share_pct"),
    ("tỷ lệ vốn ngoài ngân sách nhà nước trong tổng đầu tư cho KH&CN đạt", "%", "rd_social_share_pct"),
    ("mức chi của nhà nước cho khoa học và công nghệ", "", "state_st_spend"),
    ("kinh phí sự nghiệp KH&CN hằng năm đạt", "tỷ đồng", "state_st_spend"),
    ("chi ngân sách nhà nước cho KH&CN tăng bình quân", "%/năm", "state_st_spend"),
    ("chi ngân sách nhà nước cho KH&CN chiếm … tổng chi ngân sách", "%", "state_st_budget_share_pct"),
    ("chi ngân sách nhà nước cho KH&CN đạt", "%", "state_st_budget_share_pct"),
    ("bố trí ít nhất", "% tổng chi ngân sách", "state_st_budget_share_pct"),
    ("tỷ lệ chi ngân sách cho KH,CN&ĐMST đạt", "%", "state_st_budget_share_pct"),
    ("doanh nghiệp đầu tư cho đổi mới công nghệ đạt", "tỷ đồng", "enterprise_rd_spend"),
    ("chi cho R&D của các doanh nghiệp tăng", "%/năm", "enterprise_rd_spend"),
    # people, productivity, economy
    (
        "nhân lực nghiên cứu khoa học và phát triển công nghệ trong khu vực nhà nước và ngoài khu vực "
        "nhà nước (quy đổi toàn thời gian) đạt",
        "người/10.000 dân",
        "rd_personnel_per_10k",
    ),
    ("nhân lực R&D quy đổi toàn thời gian đạt", "", "rd_personnel_per_10k"),
    ("số cán bộ nghiên cứu", "người/vạn dân", "rd_personnel_per_10k"),
    ("tỷ lệ đóng góp của năng suất các nhân tố tổng hợp (TFP) vào tăng trưởng", "%", "tfp_contribution_pct"),
    (
        "tỷ lệ đóng góp của năng suất lao động các nhân tố tổng hợp (TFP) vào tăng trưởng kinh tế",
        "%",
        "tfp_contribution_pct",
    ),
    ("tỷ trọng kinh tế số trong GRDP đạt", "%", "digital_economy_share_pct"),
    (
        "tỷ lệ hồ sơ thủ tục hành chính được giải quyết trực tuyến toàn trình",
        "%",
        "online_public_services_pct",
    ),
    ("tốc độ đổi mới công nghệ, thiết bị đạt", "%/năm", "tech_renewal_rate_pct"),
    ("tỷ lệ đổi mới công nghệ của doanh nghiệp", "%/năm", "tech_renewal_rate_pct"),
    # enterprises, start-ups, infrastructure
    ("tỷ lệ doanh nghiệp có hoạt động đổi mới sáng tạo đạt trên", "%", "innovating_enterprise_share_pct"),
    (
        "tỷ lệ doanh nghiệp có hoạt động đổi mới sáng tạo trong tổng số doanh nghiệp",
        "%",
        "innovating_enterprise_share_pct",
    ),
    ("số doanh nghiệp khởi nghiệp đổi mới sáng tạo phấn đấu tăng", "lần", "innovative_startups"),
    ("hỗ trợ dự án khởi nghiệp", "dự án", "innovative_startups"),
    ("thành lập trung tâm hỗ trợ khởi nghiệp đổi mới sáng tạo", "trung tâm", "innovation_centres"),
    ("vườn ươm doanh nghiệp công nghệ", "", "innovation_centres"),
    ("số doanh nghiệp đạt tiêu chí doanh nghiệp KH&CN phấn đấu tăng", "doanh nghiệp", "st_enterprises"),
    ("Số doanh nghiệp đạt tiêu chí doanh nghiệp KH&CN", "doanh nghiệp", "st_enterprises"),
    ("số doanh nghiệp khoa học và công nghệ được cấp giấy chứng nhận", "doanh nghiệp", "st_enterprises"),
    ("phòng thử nghiệm được công nhận đạt chuẩn VILAS", "phòng", "standards_labs"),
    (
        "doanh nghiệp áp dụng hệ thống quản lý chất lượng tiên tiến (ISO, TCVN)",
        "doanh nghiệp",
        "quality_mgmt_enterprises",
    ),
    ("số doanh nghiệp được hỗ trợ đổi mới công nghệ", "doanh nghiệp", "enterprises_tech_supported"),
    ("số sản phẩm được cấp mã truy xuất nguồn gốc", "sản phẩm", "traceability_products"),
    ("sản phẩm OCOP được hỗ trợ đăng ký bảo hộ quyền sở hữu trí tuệ", "sản phẩm", "ocop_ip_products"),
    # intellectual property
    (
        "số nhãn hiệu tập thể, nhãn hiệu chứng nhận, chỉ dẫn địa lý nhận được bảo hộ mới",
        "nhãn hiệu",
        "ip_collective_cert_marks",
    ),
    ("Số nhãn hiệu tập thể/chứng nhận được bảo hộ mới", "nhãn hiệu", "ip_collective_cert_marks"),
    (
        "số nhãn hiệu tập thể, chỉ dẫn địa lý đã được bảo hộ được hỗ trợ quản lý và phát triển",
        "nhãn hiệu",
        "ip_marks_supported",
    ),
    (
        "hỗ trợ phát triển nhãn hiệu tập thể, nhãn hiệu chứng nhận đã được bảo hộ",
        "nhãn hiệu/chỉ dẫn địa lý",
        "ip_marks_supported",
    ),
    ("số văn bằng bảo hộ sáng chế, giải pháp hữu ích được cấp", "văn bằng", "ip_grants"),
    ("số lượng đơn đăng ký sáng chế, giải pháp hữu ích", "đơn", "patent_applications"),
    (
        "số lượng đơn đăng ký sáng chế và văn bằng bảo hộ sáng chế tăng trung bình",
        "%/năm",
        "patent_applications",
    ),
    ("số sáng chế được cấp văn bằng bảo hộ", "văn bằng", "ip_grants"),
    ("số đơn đăng ký nhãn hiệu tăng trung bình", "%/năm", "trademark_applications"),
    ("số đơn đăng ký nhãn hiệu (thông thường)", "%/năm", "trademark_applications"),
    ("số đơn đăng ký sở hữu công nghiệp", "đơn", "ip_applications"),
    ("đơn đăng ký quyền sở hữu trí tuệ", "đơn", "ip_applications"),
    ("số văn bằng bảo hộ quyền sở hữu công nghiệp được cấp", "văn bằng", "ip_grants"),
    # S&T activity and results
    ("Đề xuất ít nhất … mô hình ứng dụng KH&CN", "mô hình", "st_application_models"),
    (
        "mô hình ứng dụng KH&CN mới phù hợp với xu hướng sản xuất của địa phương",
        "mô hình",
        "st_application_models",
    ),
    ("xây dựng mô hình chuyển giao tiến bộ kỹ thuật", "mô hình", "st_application_models"),
    ("giá trị giao dịch của thị trường KH&CN tăng", "%/năm", "tech_market_value"),
    ("số hợp đồng chuyển giao công nghệ được ký kết", "hợp đồng", "tech_transfer_contracts"),
    ("số bài báo khoa học công bố quốc tế", "bài báo", "intl_publications"),
    (
        "giá trị sản phẩm công nghệ cao và sản phẩm ứng dụng công nghệ cao chiếm",
        "% giá trị sản xuất công nghiệp",
        "hightech_output_share_pct",
    ),
    ("xây dựng và triển khai thực hiện … nhiệm vụ KH&CN", "nhiệm vụ", "st_tasks"),
    ("nhiệm vụ KH&CN phục vụ phát triển du lịch", "nhiệm vụ", "st_tasks"),
    ("số đề tài, dự án cấp tỉnh được nghiệm thu", "đề tài", "st_tasks"),
    ("số tổ chức khoa học và công nghệ được cấp giấy chứng nhận hoạt động", "tổ chức", "st_organizations"),
    ("điểm số PII của tỉnh đạt", "điểm", "pii_score"),
    ("chỉ số đổi mới sáng tạo cấp tỉnh (PII) xếp hạng", "hạng", "pii_rank"),
    ("chỉ số PII của tỉnh nằm trong nhóm", "tỉnh dẫn đầu", "pii_rank"),
    ("chỉ số PII tăng", "bậc", "pii_rank"),
    # must not match any specific code
    ("phố bố trí ít nhất … công chức chuyên trách theo dõi hoạt động KH&CN", "công chức/huyện", "other"),
    ("bố trí ít nhất", "công chức chuyên trách", "other"),
    ("tổ chức hội thảo", "hội thảo", "other"),
    ("tổ chức tập huấn cho cán bộ quản lý", "lớp", "other"),
    ("số sản phẩm OCOP đạt", "sản phẩm 3 sao", "other"),
    ("diện tích sản xuất nông nghiệp ứng dụng công nghệ cao", "ha", "other"),
    ("đào tạo nhân lực KH&CN", "người", "other"),
    ("số nhân lực KH&CN được đào tạo, bồi dưỡng", "người", "other"),
    (
        "cơ quan hành chính nhà nước áp dụng hệ thống quản lý chất lượng theo TCVN ISO 9001:2015",
        "%",
        "other",
    ),
    ("xếp hạng chỉ số năng lực cạnh tranh cấp tỉnh (PCI)", "hạng", "other"),
    ("đầu tư cho KH&CN đạt", "tỷ đồng", "other"),
    ("tỷ lệ giải ngân vốn đầu tư công", "%", "other"),
    ("phát sóng chuyên mục KH&CN trên đài truyền hình", "chuyên mục", "other"),
]


def test_phrase_table_size():
    assert len(PHRASES) >= 40
    assert sum(code == "other" for _, _, code in PHRASES) >= 2


@pytest.mark.parametrize(("label", "unit", "expected"), PHRASES, ids=[p[0][:50] for p in PHRASES])
def test_phrase_maps_to_code(matcher, label, unit, expected):
    assert matcher(label, unit) == expected


def test_every_code_but_other_is_exercised(rows):
    exercised = {code for _, _, code in PHRASES}
    missing = {r["code"] for r in rows} - exercised
    assert not missing, sorted(missing)
