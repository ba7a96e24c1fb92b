"""Quantified targets: every number a plan commits to reach, with the sentence it came from.

Precision comes first: a number becomes a target only if it is not a date, a
document number, an ordinal, a period, a standard code, a name or a past
result, and if its clause carries a commitment ("phấn đấu", "đạt", "tăng",
"ít nhất", a goal section …). Every record keeps the exact quote and its
offsets in the normalised text, so an analyst can click back to it.

The rules are about Vietnamese administrative language; which indicator a
target measures is decided by the catalog (data), never here.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from pipelines.khcn.catalog import OTHER, Catalog, fold_phrase
from pipelines.khcn.metadata import ATTACHMENT
from pipelines.khcn.numerals import NUMBER, NUMBER_WORDS, as_int_if_whole, parse_cell, parse_number
from pipelines.khcn.outline import Outline
from pipelines.khcn.text import fold_diacritics

YEAR_MIN, YEAR_MAX = 1990, 2100


@dataclass(frozen=True)
class PlanContext:
    """What the rest of the document says about time: the default target year comes from it."""

    period_start: int | None = None
    period_end: int | None = None
    issue_year: int | None = None

    @property
    def default_year(self) -> int | None:
        return self.period_end or self.period_start or self.issue_year

    @property
    def start_year(self) -> int | None:
        return self.period_start or self.issue_year


@dataclass
class Target:
    indicator: str
    label: str
    target_type: str
    bound: str
    value_min: float | None
    value_max: float | None
    unit: str | None
    target_year: int | None
    baseline_value: float | None
    baseline_year: int | None
    components: list[dict] | None
    qualitative: bool
    quote: str
    char_start: int
    char_end: int
    section: str | None
    confidence: float
    source: str = "prose"
    extras: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        record = asdict(self)
        record.pop("extras")
        record["value_min"] = as_int_if_whole(self.value_min)
        record["value_max"] = as_int_if_whole(self.value_max)
        record["baseline_value"] = as_int_if_whole(self.baseline_value)
        return record


# --------------------------------------------------------------------------- vocabulary
# All patterns below are matched on diacritics-folded lower-case text (see fold_phrase),
# so "Phấn đấu", "phấn  đấu" and "Phan dau" read alike.

_VALUE = re.compile(
    rf"(?P<from>\btừ\s+)?(?P<v1>{NUMBER})(?P<p1>\s?%)?"
    rf"(?:\s*(?:-|–|—|÷|(?(from)(?:\bđến\b|\btới\b)|(?!)))\s*(?P<v2>{NUMBER})(?P<p2>\s?%)?)?"
)
_WORD_VALUE = re.compile(
    r"(?i)\b(?:ít nhất|tối thiểu|không dưới|từ)\s+(?P<word>" + "|".join(NUMBER_WORDS) + r")\s+(?=[^\W\d])"
)
# A count word other than "một" (also "a"/"one") directly before a unit noun: "tổ chức hai khóa đào tạo".
_WORD_COUNT_WORDS = "|".join(w for w in NUMBER_WORDS if w != "một")

# Words right before a number that make it something other than a quantity. Matched on the
# lower-cased text WITH diacritics: folded, "tầng" (floor) and "tăng" (increase) would collide.
_NOT_QUANTITY_BEFORE = re.compile(
    r"(?:\b(?:ngày|tháng|năm|quý|số|điều|khoản|điểm|chương|mục|phần|khóa|khoá|thứ|kỳ|nhiệm kỳ|giai đoạn|"
    r"iso|tcvn|iec|qcvn|quyết định|nghị định|nghị quyết|kế hoạch|thông tư|chỉ thị|công văn|luật|phụ lục|"
    r"biểu|mẫu|stt|trang|tầng|tòa|toà|đường|phố|phường|quận|tổ|ấp|thôn|lô|km|quốc lộ|tỉnh lộ|version|"
    r"phiên bản|covid|mã số|mã|hotline|điện thoại|fax|tài khoản|hộp thư|khu|trung ương|hội nghị)|[#№]|\d:)\s*$"
)
# The value-only form "<indicator>: 05" / "<indicator> là 05" / "đạt 05": no unit needed after the number.
_VALUE_WITHOUT_UNIT = re.compile(r"(?::|\blà|\bđạt|\bbằng|\btăng|\bgấp|\bchiếm)\s*$", re.IGNORECASE)
_NOT_QUANTITY_AFTER = re.compile(
    r"^(?:\s+khóa\s+[IVXLC]+\b|\s+sao\b|\s*/\s*\d|/[^\W\d_]|[-–][A-ZĐ]|:\d|\.\d|[A-Za-zĐđ]|\s*(?:tháng|giờ|h\d))"
)

_STRONG_CUES = re.compile(
    r"\b(?:phan dau|muc tieu|chi tieu|den nam|toi nam|it nhat|toi thieu|khong duoi|khong thap hon|dat|tang|"
    r"tren|chiem|bao dam|dam bao|duy tri|gap|giam|nang|hoan thanh|khong qua|toi da)\b"
)
_ACTION_CUES = re.compile(
    r"\b(?:xay dung|trien khai|thuc hien|ho tro|de xuat|to chuc|phat trien|dao tao|tuyen chon|ung dung|"
    r"chuyen giao|cap|dang ky|bao ho|tham gia|thanh lap|hinh thanh|thu hut|dau tu|boi duong|nhan rong|"
    r"phe duyet|dat hang|ky ket|cong nhan|chung nhan|kiem tra|thanh tra|danh gia|khao sat|tap huan|phat hanh|"
    r"xuat ban|bien soan|cap nhat|kiem dinh|hieu chuan|thu nghiem|so hoa|huy dong|bo sung|tham dinh|nghiem thu|"
    r"quan triet|ket noi|thuong mai hoa)\b"
)
_PAST_TENSE = re.compile(
    r"\bda\b"
)  # "đã": past tense, or "đã được bảo hộ" (already protected) in a goal list
_PAST = re.compile(
    r"\b(?:hien co|hien nay|hien dang|toan tinh da|con thap|con han che|chi dat|nang tong so|uoc thuc hien|uoc dat|ket qua|"
    r"tinh den|luy ke|so voi cung ky|duoc xep|xep thu|xep hang|dung thu|trong nam qua)\b"
)
_YEAR_MENTION = re.compile(
    r"(?:\b(?:den|toi|vao|trong|nam|cuoi)\s+(?:nam\s+)?|\bgiai doan\s+(?:19|20)\d{2}\s*-\s*)(?P<year>(?:19|20)\d{2})\b"
)
_COMPARE_YEAR = re.compile(
    r"so voi (?:nam |cuoi nam |cung ky nam |giai doan (?:(?:19|20)\d{2}\s*-\s*)?)?(?P<year>(?:19|20)\d{2})"
)
_POLICY_NORM = re.compile(
    r"\b(?:ho tro|muc ho tro|kinh phi ho tro|chi phi|muc chi|dinh muc|khong qua|toi da)\b[^;]{0,40}$"
)

_BOUNDS = (
    (
        "ge",
        re.compile(r"\b(?:khong duoi|toi thieu(?: la)?|it nhat(?: la)?|khong thap hon|khong it hon|tu)\s*$"),
    ),
    ("le", re.compile(r"\b(?:khong qua|toi da(?: la)?|khong vuot qua|khong cao hon|khong nhieu hon)\s*$")),
    ("lt", re.compile(r"\b(?:duoi|thap hon|it hon)\s*$")),
    ("gt", re.compile(r"\b(?:tren|hon|vuot|cao hon|nhieu hon)\s*$")),
    ("approx", re.compile(r"\b(?:khoang|xap xi|gan|du kien|chung)\s*$")),
)
_BOUND_WORDS = re.compile(
    r"\s*\b(?:khong duoi|toi thieu|it nhat|khong thap hon|khong it hon|khong qua|toi da|khong vuot qua|tren|"
    r"duoi|hon|khoang|xap xi|gan|dat|tang|tang them|tang trung binh|tang binh quan|binh quan|trung binh|gap|"
    r"chiem|la|o muc|len|muc|phan dau|dat muc|bang|tu|voi|co|tro len)\s*$"
)

_UNIT_NOUNS = (
    "doanh nghiệp",
    "nhiệm vụ",
    "đề tài",
    "dự án",
    "mô hình",
    "đơn",
    "văn bằng",
    "nhãn hiệu",
    "chỉ dẫn địa lý",
    "sáng chế",
    "giải pháp",
    "sáng kiến",
    "sản phẩm",
    "tổ chức",
    "người",
    "cán bộ",
    "công chức",
    "viên chức",
    "chuyên gia",
    "nhà khoa học",
    "hội thảo",
    "hội nghị",
    "hội chợ",
    "lớp",
    "lượt",
    "hợp đồng",
    "công nghệ",
    "thiết bị",
    "cơ sở",
    "phòng thí nghiệm",
    "trung tâm",
    "tỷ đồng",
    "triệu đồng",
    "nghìn đồng",
    "đồng",
    "điểm",
    "bậc",
    "hạng",
    "chương trình",
    "đề án",
    "tiêu chuẩn",
    "quy chuẩn",
    "phương tiện đo",
    "chuẩn đo lường",
    "tin",
    "bài",
    "số",
    "chuyên mục",
    "phóng sự",
    "ấn phẩm",
    "cuộc",
    "đoàn",
    "hồ sơ",
    "thủ tục",
    "xã",
    "huyện",
    "hộ",
    "ha",
    "tấn",
    "công trình",
    "kết quả",
    "kỳ",
    "ngày hội",
    "giống",
    "quy trình",
    "cơ quan",
    "đơn vị",
    "hợp tác xã",
    "vườn ươm",
    "không gian",
    "biểu ghi",
    "diễn đàn",
    "khóa",
    "cuộc thi",
    "sự kiện",
    "dịch vụ",
    "phiên",
    "bản ghi",
    "lượt người",
)
_UNIT_RE = re.compile(
    r"^\s*(?P<unit>" + "|".join(sorted((re.escape(u) for u in _UNIT_NOUNS), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_PER_POPULATION = re.compile(
    r"^\s*(?P<unit>người\s*(?:/|trên|trong)\s*(?:một\s+vạn|1\s*vạn|10\.000|vạn)\s+dân)", re.IGNORECASE
)
# "(năm 2024: 35 hồ sơ)", "(năm 2024 đã kiểm định 11.530)": the past value a target is set against.
_PAREN_BASELINE = re.compile(
    rf"^[^()]{{0,60}}?\(\s*(?:năm|so với năm|cùng kỳ năm)\s+(?P<year>(?:19|20)\d{{2}})[^()\d]{{0,40}}?(?P<value>{NUMBER})[^()]*\)",
    re.IGNORECASE,
)
_SHARE_OF_GRDP = re.compile(r"\b(?:trong|so voi|tren|cua)\s+(?:tong\s+)?(?:grdp|gdp)\b|/\s*grdp")
_CLAUSE_SPLIT = re.compile(r";|\.\s+(?=[A-ZĐÀ-Ỹ])|\.$")


# --------------------------------------------------------------------------- helpers


def _body_end(text: str) -> int:
    """Where the signature block / distribution list starts: nothing after it is a target."""
    match = re.search(r"^[*_\s]*Nơi nhận\s*:?", text, re.MULTILINE)
    return match.start() if match else len(text)


def _is_table_line(line: str) -> bool:
    """A Markdown pipe row or a tab-separated row (as copied from Word/Excel)."""
    return line.lstrip().startswith("|") or "\t" in line


def _clauses(line: str) -> list[tuple[int, int]]:
    """(start, end) of the clauses of a line, split at ";" and sentence ends."""
    spans, start = [], 0
    for match in _CLAUSE_SPLIT.finditer(line):
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    if start < len(line):
        spans.append((start, len(line)))
    return spans


def _unit_after(tail: str) -> tuple[str | None, int, bool]:
    """Unit right after a number: ("%/năm", consumed chars, is_growth_per_year) etc."""
    match = re.match(r"^\s?%\s*/\s*năm", tail)
    if match:
        return "%/năm", match.end(), True
    match = re.match(r"^\s?%(?:\s*(?P<base>GRDP|GDP))?", tail)
    if match:
        return ("% GRDP" if match.group("base") else "%"), match.end(), False
    match = re.match(r"^\s*lần\b", tail)
    if match:
        return "lần", match.end(), False
    match = _PER_POPULATION.match(tail)
    if match:
        return "người/10.000 dân", match.end(), False
    match = _UNIT_RE.match(tail)
    if match:
        unit = match.group("unit").lower()
        per_year = re.match(r"^\s*/\s*năm", tail[match.end() :])
        if per_year:
            return f"{unit}/năm", match.end() + per_year.end(), False
        return unit, match.end(), False
    return None, 0, False


def _phrase_end(line: str, position: int) -> int:
    """End of the noun phrase after a value: the next punctuation or conjunction, at most 80 chars."""
    match = re.search(
        r"[,;:.()]|\s(?:và|hoặc|để|nhằm|trong đó|với|theo|so với|phấn đấu)\s", line[position : position + 80]
    )
    return position + (match.start() if match else min(80, len(line) - position))


def _bound(prefix_folded: str, is_range: bool, tail_folded: str) -> str:
    if is_range:
        return "range"
    if re.match(r"^\s*(?:tro len|tro len\b)", tail_folded):
        return "ge"
    for bound, pattern in _BOUNDS:
        if pattern.search(prefix_folded):
            return bound
    return "eq"


def _target_type(prefix_folded: str, unit: str | None, per_year: bool) -> str:
    near = prefix_folded[-40:]
    increase = re.search(r"\b(?:tang|tang them|them|nang|gap)\b(?!.*\b(?:dat|len|chiem)\b)", near)
    if unit == "lần" and (increase or re.search(r"\bgap\b", near)):
        return "multiply_by"
    if per_year or (
        unit == "%" and re.search(r"\b(?:binh quan|trung binh)\b[^,;]{0,20}$", near) and increase
    ):
        return "annual_growth_pct"
    if re.search(r"\bgiam\b(?!.*\bdat\b)", near):
        return "increase_by"
    if increase and not re.search(r"\b(?:dat|len)\s*$", near):
        return "increase_by"
    return "level"


def _trim_label(line: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) to the indicator phrase: no leading conjunctions, no trailing cue words."""
    segment = line[start:end]
    lead = re.match(
        r"^[\s,:\-–+•*]*(?:(?:và|hoặc|trong đó|đồng thời|phấn đấu|đến năm \d{4}|năm \d{4}|giai đoạn [\d\s\-–]+)[\s,:]*)*",
        segment,
        re.IGNORECASE,
    )
    start += lead.end() if lead else 0
    while end > start:
        segment = line[start:end].rstrip(" ,:-–")
        end = start + len(segment)
        match = _BOUND_WORDS.search(fold_diacritics(segment))  # length-preserving, so positions agree
        if not match or match.start() == match.end():
            break
        end = start + match.start()
    return start, end


def _has_noun(phrase: str) -> bool:
    folded = fold_phrase(phrase)
    return bool(
        re.search(
            r"\b(?:so|ty le|muc|gia tri|nguon|chi|dau tu|nhan luc|doanh nghiep|don|nhan hieu|"
            r"san pham|to chuc|nhiem vu|de tai|mo hinh|chi so|dong gop|kinh phi|tong)\b",
            folded,
        )
    )


# --------------------------------------------------------------------------- prose


@dataclass
class _Mention:
    start: int
    end: int
    low: float
    high: float
    is_range: bool
    word: bool = False


def _mentions(line: str) -> list[_Mention]:
    found: list[_Mention] = []
    for match in _VALUE.finditer(line):
        low = parse_number(match.group("v1"))
        high = parse_number(match.group("v2")) if match.group("v2") else low
        found.append(
            _Mention(match.start("v1"), match.end(), min(low, high), max(low, high), bool(match.group("v2")))
        )
    for match in _WORD_VALUE.finditer(line):
        value = float(NUMBER_WORDS[match.group("word").lower()])
        found.append(_Mention(match.start("word"), match.end("word"), value, value, False, word=True))
    for match in re.finditer(rf"(?i)\b(?P<word>{_WORD_COUNT_WORDS})\s+(?=\S)", line):
        if _UNIT_RE.match(line[match.end("word") :]) and not any(
            m.start == match.start("word") for m in found
        ):
            value = float(NUMBER_WORDS[match.group("word").lower()])
            found.append(_Mention(match.start("word"), match.end("word"), value, value, False, word=True))
    return sorted(found, key=lambda m: m.start)


def _is_quantity(line: str, mention: _Mention, line_start_marker_end: int) -> bool:
    """False for dates, numbers of documents, ordinals, years, codes, names and list numbering."""
    if mention.word:
        return True
    raw = line[mention.start : mention.end]
    before = line[max(0, mention.start - 30) : mention.start]
    after = line[mention.end : mention.end + 12]
    if mention.start < line_start_marker_end:
        return False
    if re.search(r"[\d/.\-–]$", before.rstrip(" ")) and not re.search(r"(?:%|\s)[-–]\s*$", before):
        # "28/12/2022", "2021-2025" (second half), "1.2.3"
        if re.search(r"[\d/]\s*$", before) or re.search(r"\d[-–.]$", before):
            return False
    per_period = re.match(r"^\s?%?\s*/\s*(?:năm|tháng)\b", after)
    if _NOT_QUANTITY_AFTER.match(after) and not re.match(r"^\s?%", after) and not per_period:
        return False
    if _NOT_QUANTITY_BEFORE.search(before.lower()):
        return False
    if not mention.is_range and not re.match(r"^\s?%", after):
        value = mention.low
        if value.is_integer() and YEAR_MIN <= value <= YEAR_MAX and re.fullmatch(r"\d{4}", raw.strip()):
            return False  # a year
    if mention.is_range and YEAR_MIN <= mention.low <= YEAR_MAX and YEAR_MIN <= mention.high <= YEAR_MAX:
        if re.fullmatch(r"\d{4}\s*[-–—]\s*\d{4}", raw.strip()):
            return False  # a period "2021-2025"
    word_before = re.search(r"(\S+)\s+$", before)
    if word_before:
        token = word_before.group(1)
        # "Quatest 3", "Covid 19": a capitalised name glued to its number (not a sentence-initial cue).
        if (
            re.fullmatch(r"[A-ZĐ][a-zà-ỹđ]*[A-Za-z]*", token)
            and len(token) >= 4
            and token.lower() not in _CAPITAL_OK
        ):
            if not _STRONG_CUES.search(fold_phrase(token)) and not _ACTION_CUES.search(fold_phrase(token)):
                return False
    return True


_CAPITAL_OK = {"đạt", "tăng", "trên", "khoảng", "có", "gồm", "với", "thêm", "tối", "thiểu", "ít", "nhất"}


def _marker_end(line: str) -> int:
    match = re.match(r"^[#*_\s]*(?:[IVXLC]{1,6}[.)]|\d{1,2}(?:\.\d{1,2}){0,3}[.)]|[a-zđ][)]|[-+•–])\s*", line)
    return match.end() if match else 0


def _year_before(folded_line: str, position: int) -> int | None:
    best = None
    for match in _YEAR_MENTION.finditer(folded_line[:position]):
        if _COMPARE_YEAR.search(folded_line[max(0, match.start() - 12) : match.end()]):
            continue
        best = int(match.group("year"))
    return best


def _value_unit(line: str, m: _Mention) -> tuple[str | None, int, bool]:
    """Unit of a value and where the value ends: "%" / "%/năm" / "% GRDP" win over a noun after them."""
    after = line[m.end :]
    if line[m.start : m.end].rstrip().endswith("%") or (m.is_range and re.match(r"^\s?%", after)):
        has_percent = line[m.start : m.end].rstrip().endswith("%")
        percent = 0 if has_percent else re.match(r"^\s?%", after).end()
        per_year = re.match(r"^\s*/\s*năm\b", after[percent:])
        if per_year:
            return "%/năm", m.end + percent + per_year.end(), True
        base = re.match(r"^\s*(?:GRDP|GDP)\b", after[percent:])
        if base:
            return "% GRDP", m.end + percent + base.end(), False
        return "%", m.end + percent, False
    unit, length, per_year = _unit_after(after)
    return unit, m.end + length, per_year


# "…, tăng 3 nhiệm vụ so với năm 2024" right after a level: the change, not another target.
_DELTA_AFTER = re.compile(
    rf"^[^,;()\d]{{0,80}}?,?\s*(?P<verb>tăng|giảm)\s+(?:thêm\s+)?(?P<delta>{NUMBER})(?![\d%])[^,;.()]{{0,30}}?\bso với\s+(?:năm\s+)?(?P<year>(?:19|20)\d{{2}})",
    re.IGNORECASE,
)


def _trailing_baseline(
    line: str, value_end: int, phrase_end: int, clause_end: int, value: float, target_type: str
) -> tuple[float, int, int] | None:
    """A past value written right after a target: "(năm 2024: 35 hồ sơ)", "(năm 2024 đạt 26)", or a level
    followed by its change ", tăng 3 nhiệm vụ so với năm 2024" (baseline 18 − 3). Returns the baseline,
    its year and where the aside ends (its numbers are not targets)."""
    for start in (phrase_end, value_end):
        match = _PAREN_BASELINE.match(line[start:clause_end])
        if match:
            return parse_number(match.group("value")), int(match.group("year")), start + match.end()
    match = _DELTA_AFTER.match(line[phrase_end:clause_end])
    if match and target_type == "level":
        delta = parse_number(match.group("delta"))
        baseline = value - delta if match.group("verb").lower() == "tăng" else value + delta
        return baseline, int(match.group("year")), phrase_end + match.end()
    return None


@dataclass(frozen=True)
class _Rises:
    starting_values: set[int]  # positions of the "from" values
    baselines: dict[int, tuple[float, int | None]]  # position of the "to" value → (from value, its year)


_RISE = re.compile(
    rf"\btừ\s+(?P<start>{NUMBER})(?P<between>[^;]{{0,60}}?)\b(?:lên|tới)\s+(?:mức\s+)?(?P<end>{NUMBER})",
    re.IGNORECASE,
)


def _rises(line: str, start: int, end: int) -> _Rises:
    """ "tăng từ 45 doanh nghiệp năm 2024 lên 52 doanh nghiệp": the target is 52, 45 (2024) its baseline."""
    starting: set[int] = set()
    baselines: dict[int, tuple[float, int | None]] = {}
    for match in _RISE.finditer(line, start, end):
        year = re.search(r"\bnăm\s+((?:19|20)\d{2})\b", match.group("between"))
        starting.add(match.start("start"))
        baselines[match.start("end")] = (
            parse_number(match.group("start")),
            int(year.group(1)) if year else None,
        )
    return _Rises(starting, baselines)


def _without_parentheses(text: str) -> str:
    """Asides in parentheses ("(năm 2025 ước đạt 12,5%)") do not set the tense of what follows."""
    return re.sub(r"\([^()]*\)", " ", text)


def _sentence_start(line: str, position: int) -> int:
    """Start of the sentence holding `position` (after the last ". " + capital, or the line start)."""
    start = 0
    for match in re.finditer(r"[.!?]\s+(?=[A-ZĐÀ-Ỹ])", line[:position]):
        start = match.end()
    return start


_FORWARD = re.compile(r"\b(?:phan dau|muc tieu|den nam|toi nam|chi tieu|ke hoach nam|du kien)\b")
_RANK_BEFORE = re.compile(
    r"(?:\bnhóm|\btop|\bxếp(?: hạng)?(?: thứ)?|\bđứng(?: thứ)?|\bhạng)\s*$", re.IGNORECASE
)
_RANK_AFTER = re.compile(
    r"^\s*(?:tỉnh|địa phương|thành phố|đơn vị)?[^;.]{0,30}(?:dẫn đầu|đứng đầu|cao nhất|tốt nhất|cả nước)"
)


def _past(
    sentence_prefix: str, clause_prefix: str, context: PlanContext, in_goal_section: bool
) -> tuple[bool, int | None]:
    """Is this a past result (a baseline), not a commitment? Returns (past, year of the past figure).

    A sentence that opens on a year before the plan ("Trong năm 2023, …", "Năm 2022, toàn tỉnh có
    …") stays in the past for all its clauses until a forward cue ("phấn đấu", "đến năm") appears.
    """
    past_year = None
    past_at = -1
    for match in _YEAR_MENTION.finditer(sentence_prefix):
        year = int(match.group("year"))
        if re.search(r"\b(?:den|toi)\b", match.group(0)) or _COMPARE_YEAR.search(
            sentence_prefix[max(0, match.start() - 12) : match.end()]
        ):
            continue
        if context.start_year and year < context.start_year:
            past_year, past_at = year, match.end()
        else:
            past_year, past_at = None, -1
    forward = [m.end() for m in _FORWARD.finditer(sentence_prefix)]
    if past_year is not None and forward and max(forward) > past_at:
        past_year = None
    words = _PAST.search(clause_prefix) or (_PAST_TENSE.search(clause_prefix) and not in_goal_section)
    past = bool(words) and not _FORWARD.search(clause_prefix)
    return past or past_year is not None, past_year


@dataclass(frozen=True)
class SectionContext:
    """What the headings above a line say: a goal section, a report on the past, a year."""

    in_goal: bool = False
    in_report: bool = False
    year: int | None = None


_REPORT_HEADING = re.compile(r"\b(?:ket qua|danh gia|tinh hinh|bao cao)\b")
_FORWARD_HEADING = re.compile(r"\b(?:muc tieu|chi tieu|phuong huong|nhiem vu trong tam|giai phap)\b")


def section_context(headings: list[str], lead_in_year: int | None, context: PlanContext) -> SectionContext:
    """Goal, report and year context from the numbered headings a line sits under.

    A heading like "2. Mục tiêu cụ thể đến năm 2030" or "Tầm nhìn đến năm 2045" gives its
    items their year; "Phần I. Kết quả thực hiện năm 2024" marks a report on the past, whose
    figures are results, not commitments.
    """
    folded = [fold_phrase(h) for h in headings]
    in_goal = any(_GOAL_HEADING.search(h) for h in folded)
    in_report = False
    for heading in folded:
        if _REPORT_HEADING.search(heading) and not _FORWARD_HEADING.search(heading):
            years = [int(y) for y in re.findall(r"\b(?:19|20)\d{2}\b", heading)]
            in_report = not years or (context.start_year is not None and max(years) < context.start_year)
        elif _FORWARD_HEADING.search(heading):
            in_report = False
    year = lead_in_year
    if year is None:
        for heading in folded:
            for match in _YEAR_MENTION.finditer(heading):
                found = int(match.group("year"))
                if context.start_year is None or found >= context.start_year:
                    year = found
    return SectionContext(in_goal=in_goal, in_report=in_report, year=year)


def _prose_targets(
    line: str, offset: int, section: str | None, catalog: Catalog, context: PlanContext, where: SectionContext
) -> list[Target]:
    records: list[Target] = []
    in_goal_section = where.in_goal
    if where.in_report:
        return records  # a report on the past year: results, not commitments
    marker_end = _marker_end(line)
    consumed_until = 0
    baselines: dict[str, tuple[float, int | None]] = {}
    for clause_start, clause_end in _clauses(line):
        clause = line[clause_start:clause_end]
        clause_folded = fold_phrase(clause)
        previous_end = clause_start
        rises = _rises(line, clause_start, clause_end)
        for mention in _mentions(clause):
            m = _Mention(
                mention.start + clause_start,
                mention.end + clause_start,
                mention.low,
                mention.high,
                mention.is_range,
                mention.word,
            )
            rank = bool(_RANK_BEFORE.search(line[: m.start])) and bool(_RANK_AFTER.match(line[m.end :]))
            if m.start < consumed_until or not (rank or _is_quantity(line, m, marker_end)):
                continue
            if m.start in rises.starting_values:
                continue  # "từ 45 … lên 52": 45 is where it starts, the baseline of 52
            unit, value_end, per_year = ("hạng", m.end, False) if rank else _value_unit(line, m)
            phrase_end = _phrase_end(line, value_end)
            tail = line[value_end:phrase_end]
            prefix = line[clause_start : m.start]
            prefix_folded = fold_phrase(prefix)
            tail_folded = fold_phrase(tail)
            if _is_policy_norm(line, prefix_folded, tail_folded, value_end, unit):
                previous_end = phrase_end
                continue
            label_start, label_end = _trim_label(line, max(previous_end, clause_start), m.start)
            label = line[label_start:label_end]
            if not _has_noun(label) and tail.strip():
                label = (label + " … " if label else "") + tail.strip()
            # The phrase in reading order, then the unit once more at the end: some catalog patterns
            # key on the unit closing the phrase ("… hạng" for a rank, "… %" for a share).
            indicator = catalog.match(f"{line[label_start:label_end]} {unit or ''} {tail} {unit or ''}")
            sentence_prefix = fold_phrase(
                _without_parentheses(line[_sentence_start(line, m.start) : m.start])
            )
            past, past_year = (
                (False, None)
                if m.start in rises.baselines
                else _past(sentence_prefix, prefix_folded, context, in_goal_section)
            )
            if past:
                baselines[indicator] = (m.low, past_year)
                previous_end = phrase_end
                continue
            if unit is None and not _VALUE_WITHOUT_UNIT.search(prefix):
                previous_end = phrase_end
                continue  # a bare number inside a name ("Chất lượng 3") or a list
            if unit is None:
                # "Số sáng kiến … đạt 30": the counted noun after "Số" is the unit
                counted = re.match(r"^\s*(?:Số|số|Tổng số|tổng số)\s+(?:lượng\s+)?", label)
                noun = _UNIT_RE.match(label[counted.end() :]) if counted else None
                unit = noun.group("unit").lower() if noun else None
            if unit is None and indicator != OTHER:
                catalog_unit = catalog.unit_of(indicator)
                unit = catalog_unit if catalog_unit and not catalog_unit.startswith("%") else None
            if unit == "%" and _SHARE_OF_GRDP.search(fold_phrase(label)):
                unit = "% GRDP"
            strong = _STRONG_CUES.search(clause_folded)
            governing_action = _ACTION_CUES.search(prefix_folded[-80:])
            opening = fold_phrase(line[clause_start : m.start]).strip(" -+•*")
            leads_clause = unit is not None and unit.startswith("%") and not opening
            if indicator == OTHER:
                keep = unit is not None and bool(strong or governing_action or leads_clause)
            else:
                keep = bool(strong or _ACTION_CUES.search(clause_folded) or in_goal_section)
            if not keep:
                previous_end = phrase_end
                continue
            bound = (
                "le"
                if rank and re.search(r"(?:nhóm|top)\s*$", line[: m.start], re.IGNORECASE)
                else _bound(prefix_folded[-30:], m.is_range, tail_folded)
            )
            target_type = _target_type(prefix_folded, unit, per_year)
            low, high = m.low, m.high
            if target_type == "increase_by" and re.search(r"\bgiam\b", prefix_folded[-40:]):
                low, high = -high, -low
            year = _year_before(sentence_prefix, len(sentence_prefix)) or where.year or context.default_year
            if year is not None and context.start_year and year < context.start_year:
                year = context.default_year
            compare = _COMPARE_YEAR.search(fold_phrase(line[m.start : clause_end]))
            baseline_value, baseline_year = rises.baselines.get(m.start) or baselines.get(
                indicator, (None, None)
            )
            if compare:
                baseline_year = int(compare.group("year"))
            components, comp_end = _components(line, phrase_end)
            trailing = _trailing_baseline(line, value_end, phrase_end, clause_end, low, target_type)
            if trailing is not None:
                baseline_value, baseline_year, trailing_end = trailing
            consumed_end = max(comp_end if components else value_end, trailing_end if trailing else 0)
            quote_end = max(value_end, comp_end) if components else value_end
            if trailing is not None:
                quote_end = max(quote_end, trailing_end)
            if tail.strip() and not _has_noun(line[label_start:label_end]):
                quote_end = max(quote_end, phrase_end)
            quote_start = min(
                label_start if label_end > label_start else max(previous_end, clause_start), m.start
            )
            while quote_start < m.start and line[quote_start] in " ,;:-–":
                quote_start += 1
            records.append(
                Target(
                    indicator=indicator,
                    label=label.strip() or tail.strip(),
                    target_type=target_type,
                    bound=bound,
                    value_min=low,
                    value_max=high,
                    unit=unit,
                    target_year=year,
                    baseline_value=baseline_value,
                    baseline_year=baseline_year,
                    components=components,
                    qualitative=False,
                    quote=line[quote_start:quote_end],
                    char_start=offset + quote_start,
                    char_end=offset + quote_end,
                    section=section,
                    confidence=_confidence(indicator, strong, year, in_goal_section, m.word),
                )
            )
            consumed_until = consumed_end
            previous_end = max(phrase_end, consumed_until)
        if not any(offset + clause_start <= r.char_start < offset + clause_end for r in records):
            qualitative = _qualitative(
                line, clause_start, clause_end, offset, section, catalog, context, where
            )
            if qualitative:
                records.append(qualitative)
    return records


_MONEY_UNITS = {"tỷ đồng", "triệu đồng", "nghìn đồng", "đồng"}
_MONEY_NORM = re.compile(
    r"\b(?:thuong|ho tro|muc ho tro|tong muc|muc chi|dinh muc|du kien kinh phi|kinh phi thuc hien|du toan|"
    r"tong kinh phi|kinh phi du kien|ngan sach (?:tinh|trung uong|dia phuong) (?:khoang|du kien|bo tri)|"
    r"khong qua|toi da)\b"
)


def _is_policy_norm(
    line: str, prefix_folded: str, tail_folded: str, value_end: int, unit: str | None
) -> bool:
    """Support rates, caps and cost estimates of a policy ("hỗ trợ tối đa 50% kinh phí", "500 triệu
    đồng/dự án", "thưởng 30 triệu đồng", "dự kiến kinh phí khoảng 120 tỷ đồng"): norms, not targets."""
    per_item = re.match(r"^\s*/\s*[^\W\d]", line[value_end:])
    if unit in _MONEY_UNITS and (per_item or _MONEY_NORM.search(prefix_folded)):
        return True
    return bool(
        _POLICY_NORM.search(prefix_folded[-60:])
        and (per_item or re.match(r"^\s*(?:kinh phi|chi phi)", tail_folded))
    )


def _components(line: str, position: int) -> tuple[list[dict] | None, int]:
    """ "33 (trong đó 32 nhãn hiệu tập thể, 01 chỉ dẫn địa lý)": the parts of one target."""
    match = re.match(
        r"^\s*\(\s*(?:trong đó|gồm|bao gồm)\s*:?\s*(?P<body>[^()]*)\)", line[position:], re.IGNORECASE
    )
    if not match:
        return None, position
    parts = []
    for part in re.split(r"[,;]|\bvà\b", match.group("body")):
        number = re.match(rf"^\s*(?P<n>{NUMBER})\s+(?P<label>.+?)\s*$", part)
        if number:
            parts.append(
                {"label": number.group("label"), "value": as_int_if_whole(parse_number(number.group("n")))}
            )
    return (parts or None), position + match.end()


_QUALITATIVE = re.compile(
    r"\b(?P<bound>toi thieu|khong thap hon|khong duoi|it nhat|cao hon|khong vuot qua|toi da|khong qua)\s+"
    r"(?:bang\s+)?(?:voi\s+)?(?:muc|so voi|ty le|dinh muc)\b"
)


def _qualitative(
    line: str,
    start: int,
    end: int,
    offset: int,
    section: str | None,
    catalog: Catalog,
    context: PlanContext,
    where: SectionContext,
) -> Target | None:
    """A commitment with a bound but no number ("tối thiểu bằng mức dự toán Quốc hội giao")."""
    clause = line[start:end]
    folded = fold_diacritics(clause)
    if len(folded) != len(clause):
        return None
    match = _QUALITATIVE.search(folded)
    if not match:
        return None
    if where.in_report or _PAST.search(folded[: match.start()]):
        return None
    indicator = catalog.match(clause[: match.start()])
    if indicator == OTHER:
        return None
    bound = "le" if match.group("bound") in {"khong vuot qua", "toi da", "khong qua"} else "ge"
    quote_start = start + len(clause) - len(clause.lstrip(" ,:-–+•"))
    lead = re.match(r"^\s*(?:\d{1,2}[.)]|[a-zđ][)]|[-+•])\s*", line[quote_start:end])
    quote_start += lead.end() if lead else 0
    year = _year_before(folded, len(folded)) or where.year or context.default_year
    label_end = start + match.start()
    return Target(
        indicator=indicator,
        label=_trim_phrase(line[quote_start:label_end]),
        target_type="level",
        bound=bound,
        value_min=None,
        value_max=None,
        unit=None,
        target_year=year,
        baseline_value=None,
        baseline_year=None,
        components=None,
        qualitative=True,
        quote=line[quote_start:end].rstrip(" ."),
        char_start=offset + quote_start,
        char_end=offset + quote_start + len(line[quote_start:end].rstrip(" .")),
        section=section,
        confidence=0.6,
    )


def _trim_phrase(text: str) -> str:
    text = re.sub(r"^(?:Phấn đấu|phấn đấu)\s+", "", text.strip())
    return re.sub(r"\s+(?:đến năm \d{4}|đảm bảo|bảo đảm)(?:\s+(?:đảm bảo|bảo đảm))?\s*$", "", text).strip(
        " ,"
    )


def _confidence(indicator: str, strong, year: int | None, in_goal_section: bool, word: bool) -> float:
    """A rough score: how many independent signals agree that this is a target of this indicator."""
    score = 0.45
    score += 0.2 if indicator != OTHER else 0.0
    score += 0.15 if strong else 0.0
    score += 0.1 if in_goal_section else 0.0
    score += 0.05 if year is not None else 0.0
    score -= 0.1 if word else 0.0
    return round(min(score, 0.95), 2)


# --------------------------------------------------------------------------- tables

_PLAN_COLUMN = re.compile(r"\b(?:ke hoach|muc tieu|chi tieu nam|kh|du kien|phan dau)\b")
_ACTUAL_COLUMN = re.compile(r"\b(?:thuc hien|uoc thuc hien|uoc th|uoc|th|thuc te|ket qua)\b")


def _cells(line: str) -> list[str]:
    if line.lstrip().startswith("|"):
        body = line.strip()
        body = body[1:] if body.startswith("|") else body
        body = body[:-1] if body.endswith("|") else body
        return [c.strip() for c in body.split("|")]
    return [c.strip() for c in line.split("\t")]


def _cell_spans(line: str) -> list[tuple[int, int]]:
    """Offsets of each cell's text within the line (for exact quotes)."""
    separator = "|" if line.lstrip().startswith("|") else "\t"
    spans, start = [], 0
    parts = line.split(separator)
    if separator == "|":
        parts = parts[1:-1] if line.rstrip().endswith("|") else parts[1:]
        start = line.index("|") + 1
    for part in parts:
        stripped_left = len(part) - len(part.lstrip())
        spans.append((start + stripped_left, start + len(part.rstrip())))
        start += len(part) + 1
    return spans


@dataclass
class _TableLayout:
    label: int
    unit: int | None
    plan: int
    actual: int | None
    plan_year: int | None
    actual_year: int | None
    stt: int | None


def _layout(header: list[str], context: PlanContext) -> _TableLayout | None:
    folded = [fold_phrase(c) for c in header]
    label = next(
        (i for i, c in enumerate(folded) if re.search(r"\b(?:chi tieu|noi dung|ten chi tieu)\b", c)), None
    )
    if label is None:
        return None
    plan = next(
        (
            i
            for i, c in enumerate(folded)
            if i != label and _PLAN_COLUMN.search(c) and not _ACTUAL_COLUMN.search(c)
        ),
        None,
    )
    if plan is None:
        return None
    actual = next(
        (i for i, c in enumerate(folded) if i not in (label, plan) and _ACTUAL_COLUMN.search(c)), None
    )
    unit = next((i for i, c in enumerate(folded) if re.search(r"\b(?:don vi|dvt|don vi tinh)\b", c)), None)
    stt = next((i for i, c in enumerate(folded) if re.fullmatch(r"(?:stt|tt|so tt)", c)), None)

    def year(index: int | None) -> int | None:
        if index is None:
            return None
        found = re.search(r"(?:19|20)\d{2}", folded[index])
        return int(found.group(0)) if found else None

    return _TableLayout(label, unit, plan, actual, year(plan) or context.default_year, year(actual), stt)


def _table_targets(
    rows: list[tuple[str, int]], catalog: Catalog, context: PlanContext, section_prefix: str
) -> list[Target] | None:
    """Targets from an appendix table: the plan column is the target, the actual column the baseline.

    Returns None when the block has no recognisable header (not a table of indicators).
    """
    layout = None
    records: list[Target] = []
    for row_number, (line, offset) in enumerate(rows):
        cells = _cells(line)
        if all(re.fullmatch(r":?-{2,}:?|", c) for c in cells):
            continue
        if layout is None:
            layout = _layout(cells, context)
            if layout is None and row_number >= 2:
                return None  # no header in the first rows: not a table of indicators
            continue
        if len(cells) <= max(layout.label, layout.plan):
            continue
        plan_cell = cells[layout.plan]
        change = re.match(r"^\s*(?P<verb>tăng|giảm)\s+(?:thêm\s+)?", plan_cell, re.IGNORECASE)
        value = parse_cell(plan_cell[change.end() :] if change else plan_cell)
        if value is None:
            continue
        label = cells[layout.label]
        unit = cells[layout.unit] if layout.unit is not None and layout.unit < len(cells) else None
        if "%" in plan_cell and not unit:
            unit = "%"
        if unit == "%" and _SHARE_OF_GRDP.search(fold_phrase(label)):
            unit = "% GRDP"
        baseline = None
        if layout.actual is not None and layout.actual < len(cells):
            actual = parse_cell(cells[layout.actual])
            baseline = actual[0] if actual and actual[0] == actual[1] else None
        stt = cells[layout.stt] if layout.stt is not None and layout.stt < len(cells) else None
        spans = _cell_spans(line)
        quote_start = spans[0][0] if spans else 0
        quote_end = spans[-1][1] if spans else len(line)
        low, high, cell_bound = value
        target_type = "level"
        if change:  # "Tăng 10%": a change against the actual column, not a level
            target_type = "increase_by"
            unit = "%" if "%" in plan_cell else unit
            if change.group("verb").lower() == "giảm":
                low, high = -high, -low
        records.append(
            Target(
                indicator=catalog.match(f"{label} {unit or ''}"),
                label=label,
                target_type=target_type,
                bound=cell_bound,
                value_min=low,
                value_max=high,
                unit=unit or None,
                target_year=layout.plan_year,
                baseline_value=baseline,
                baseline_year=layout.actual_year if baseline is not None else None,
                components=None,
                qualitative=False,
                quote=line[quote_start:quote_end],
                char_start=offset + quote_start,
                char_end=offset + quote_end,
                section=f"{section_prefix}.{stt}" if stt else section_prefix,
                confidence=0.9,
                source="table",
            )
        )
    return records


# --------------------------------------------------------------------------- entry point


def targets_for_document(document: dict, catalog: Catalog) -> list[dict]:
    """Target records (dicts) of one document record from `documents.build_document`."""
    context = PlanContext(
        document.get("period_start"), document.get("period_end"), document.get("issue_year")
    )
    return [
        {"document_id": document["document_id"], **target.as_dict()}
        for target in extract_targets(document["text_normalized"], catalog, context)
    ]


_GOAL_HEADING = re.compile(r"\b(?:muc tieu|chi tieu|nhiem vu trong tam|ket qua can dat|dinh huong)\b")


def extract_targets(text: str, catalog: Catalog, context: PlanContext) -> list[Target]:
    """Every target in a normalised plan text, in document order."""
    records: list[Target] = []
    outline = Outline.start()
    end = _body_end(text)
    lines: list[tuple[str, int]] = []
    position = 0
    for line in text.split("\n"):
        lines.append((line, position))
        position += len(line) + 1
    appendix_seen = False
    lead_in: tuple[int, str] | None = None  # (year, section path) of a lead-in like "Đến năm 2030:"

    def where_now() -> SectionContext:
        path = outline.path() or ""
        year = lead_in[0] if lead_in and path.startswith(lead_in[1]) else None
        return section_context(outline.headings(), year, context)

    i = 0
    while i < len(lines):
        line, offset = lines[i]
        if re.match(r"^[#*_\s]*(?:PHỤ LỤC|Phụ lục)\b", line):
            appendix_seen = True
        elif offset >= end and not appendix_seen and ATTACHMENT.match(line):
            # a programme or plan attached to a decision, after the decision's signature block
            appendix_seen = True
            outline = Outline.start()
        if _is_table_line(line):
            block = []
            while i < len(lines) and _is_table_line(lines[i][0]):
                block.append(lines[i])
                i += 1
            prefix = "PL" if appendix_seen or offset >= end else outline.path() or "PL"
            table_records = _table_targets(block, catalog, context, prefix)
            if table_records is not None:
                records += table_records
                continue
            for row, row_offset in block:  # not a table of indicators: read its lines as prose
                section = outline.feed(row)
                if row_offset < end or appendix_seen:
                    records += _prose_targets(row, row_offset, section, catalog, context, where_now())
            continue
        i += 1
        if offset >= end and not appendix_seen:
            continue
        section = outline.feed(line)
        lead_year = _lead_in_year(line, context)
        if lead_year is not None:
            lead_in = (lead_year, section or "")
        records += _prose_targets(line, offset, section, catalog, context, where_now())
    return records


def _lead_in_year(line: str, context: PlanContext) -> int | None:
    """The year of a lead-in line that introduces a list ("Đến năm 2030:", "Mục tiêu đến năm 2025, cụ thể:")."""
    stripped = line.rstrip(" *_")
    if not stripped.endswith(":") or len(stripped) > 200:
        return None
    years = [int(m.group("year")) for m in _YEAR_MENTION.finditer(fold_phrase(stripped))]
    years = [y for y in years if context.start_year is None or y >= context.start_year]
    return years[-1] if years else None
