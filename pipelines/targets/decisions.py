"""Stage 3, decisions: what one number is (a target, a date, a past result, a norm …) and why.

Each function looks at a bounded window around the number (never the whole line), so the
cost per number is constant. The reasons are short machine strings ("date:ngày",
"past_cue:hien co", "policy_norm") that `khcn explain` prints and `khcn eval` counts.
"""

from __future__ import annotations

import re

from pipelines.targets.catalog import fold_phrase
from pipelines.targets.cues import ACTION_CUES, FORWARD, PAST, STRONG_CUES
from pipelines.targets.model import YEAR_MAX, YEAR_MIN, Mention, PlanContext
from pipelines.targets.vocab import VOCAB

# Words right before a number that make it something other than a quantity, by what it then is.
# Matched on the lower-cased text WITH diacritics: folded, "tầng" (floor) and "tăng" (increase) collide.
_NOT_QUANTITY_WORDS = {
    "date": "ngày|tháng|năm|quý",
    "document_number": "số|quyết định|nghị định|nghị quyết|kế hoạch|thông tư|chỉ thị|công văn|luật|mã số|mã",
    "ordinal": "điều|khoản|điểm|chương|mục|phần|khóa|khoá|thứ|kỳ|nhiệm kỳ|phụ lục|biểu|mẫu|stt|trang|"
    "trung ương|hội nghị|version|phiên bản",
    "period": "giai đoạn",
    "code": "iso|tcvn|iec|qcvn|covid|hotline|điện thoại|fax|tài khoản|hộp thư",
    "name": "tầng|tòa|toà|đường|phố|phường|quận|tổ|ấp|thôn|lô|km|quốc lộ|tỉnh lộ|khu",
}
_NOT_QUANTITY_BEFORE = re.compile(
    r"(?:\b(?:"
    + "|".join(f"(?P<{kind}>{words})" for kind, words in _NOT_QUANTITY_WORDS.items())
    + r")|(?P<sign>[#№])|(?P<clock>\d:))\s*$"
)
_NOT_QUANTITY_AFTER = re.compile(
    r"^(?:\s+khóa\s+[IVXLC]+\b|\s+sao\b|\s*/\s*\d|/[^\W\d_]|[-–][A-ZĐ]|:\d|\.\d|[A-Za-zĐđ]|\s*(?:tháng|giờ|h\d))"
)
# The tests `not_a_quantity` makes of the characters around every number, compiled once.
_DIGIT_MARK_BEFORE = re.compile(r"[\d/.\-–]$")
_DASH_AFTER_SPACE = re.compile(r"(?:%|\s)[-–]\s*$")
_DIGIT_OR_SLASH_BEFORE = re.compile(r"[\d/]\s*$")
_DIGIT_DASH_BEFORE = re.compile(r"\d[-–.]$")
_PER_PERIOD = re.compile(r"^\s?%?\s*/\s*(?:năm|tháng)\b")
_PERCENT_AFTER = re.compile(r"^\s?%")
# The longest thing `_NOT_QUANTITY_BEFORE` matches before its trailing spaces ("quyết định").
_NOT_QUANTITY_LONGEST = max(len(w) for words in _NOT_QUANTITY_WORDS.values() for w in words.split("|"))


def _last_word_from(before: str, longest: int) -> int:
    """Where a search for a word (at most `longest` characters) + `\\s*$` at the end of `before` can start.

    Such a match ends at the last non-space character, so no match starts earlier than `longest`
    characters before it; searching from there finds the same match (`\\b` still sees the
    character before) without trying the thirty positions of the window.
    """
    return max(0, len(before.rstrip()) - longest)


_CAPITAL_OK = {"đạt", "tăng", "trên", "khoảng", "có", "gồm", "với", "thêm", "tối", "thiểu", "ít", "nhất"}


def not_a_quantity(line: str, mention: Mention, marker_end: int) -> tuple[str, str] | None:
    """(kind, reason) for dates, document numbers, ordinals, years, codes, names and list numbering."""
    if mention.word:
        return None
    raw = line[mention.start : mention.end]
    before = line[max(0, mention.start - 30) : mention.start]
    after = line[mention.end : mention.end + 12]
    if mention.start < marker_end:
        return "list_number", "list_marker"
    if before[-1:].isalpha():
        return "code", "glued_before"  # "QH15", "CO2", "Covid19": part of a code or a name
    if _DIGIT_MARK_BEFORE.search(before.rstrip(" ")) and not _DASH_AFTER_SPACE.search(before):
        if _DIGIT_OR_SLASH_BEFORE.search(before) or _DIGIT_DASH_BEFORE.search(before):
            return "date", "after_digits"  # "28/12/2022", "2021-2025" (second half), "1.2.3"
    lowered = before.lower()
    found = _NOT_QUANTITY_BEFORE.search(lowered, _last_word_from(lowered, _NOT_QUANTITY_LONGEST))
    if found:
        kind = next((k for k, v in found.groupdict().items() if v), "code")
        kind = {"sign": "document_number", "clock": "date"}.get(kind, kind)
        if kind == "date" and re.fullmatch(r"(?:19|20)\d{2}", raw.strip()):
            kind = "year"
        return kind, f"{kind}_word:{fold_phrase(found.group(0))}"
    per_period = _PER_PERIOD.match(after)
    glued = _NOT_QUANTITY_AFTER.match(after)
    if glued and not _PERCENT_AFTER.match(after) and not per_period:
        return _glued_kind(glued.group(0)), "glued_after"
    return _year_or_name(raw, before, after, mention)


def _glued_kind(glued: str) -> str:
    """What a number glued to the next characters is: "12/3" a date, "15/QĐ" a document number."""
    text = glued.strip()
    if re.match(r"^/\s*\d|^(?:tháng|giờ|h\d)", text):
        return "date"
    if re.match(r"^/|^[-–][A-ZĐ]", text):
        return "document_number"
    return "code"


def _year_or_name(raw: str, before: str, after: str, mention: Mention) -> tuple[str, str] | None:
    if not mention.is_range and not re.match(r"^\s?%", after):
        value = mention.low
        if value.is_integer() and YEAR_MIN <= value <= YEAR_MAX and re.fullmatch(r"\d{4}", raw.strip()):
            return "year", "four_digit_year"
    if mention.is_range and YEAR_MIN <= mention.low <= YEAR_MAX and YEAR_MIN <= mention.high <= YEAR_MAX:
        if re.fullmatch(r"\d{4}\s*[-–—]\s*\d{4}", raw.strip()):
            return "period", "year_range"
    word_before = re.search(r"(\S+)\s+$", before)
    if word_before:
        token = word_before.group(1)
        # "Quatest 3", "Covid 19": a capitalised name glued to its number (not a sentence-initial cue).
        if (
            re.fullmatch(r"[A-ZĐ][a-zà-ỹđ]*[A-Za-z]*", token)
            and len(token) >= 4
            and token.lower() not in _CAPITAL_OK
        ):
            folded = fold_phrase(token)
            if not STRONG_CUES.search(folded, token) and not ACTION_CUES.search(folded, token):
                return "name", "capitalised_name"
    return None


_RANK_BEFORE = re.compile(
    r"(?:\bnhóm|\btop|\btốp|\bxếp(?: hạng)?(?: thứ)?|\bđứng(?: thứ)?|\bhạng)\s*$", re.IGNORECASE
)
_RANK_LONGEST = len("xếp hạng thứ")
_RANK_AFTER = re.compile(
    r"^\s*(?:tỉnh|địa phương|thành phố|đơn vị)?[^;.]{0,30}(?:dẫn đầu|đứng đầu|cao nhất|tốt nhất|cả nước)"
)


def is_rank(line: str, mention: Mention) -> bool:
    """ "top 15", "nằm trong nhóm 20/34", "nhóm 10 địa phương dẫn đầu": a rank, not a count."""
    before = line[max(0, mention.start - 30) : mention.start]
    found = _RANK_BEFORE.search(before, _last_word_from(before, _RANK_LONGEST))
    if not found or mention.word:
        return False
    after = line[mention.end : mention.end + 60]
    word = found.group(0).strip().lower()
    if word in {"top", "tốp"}:
        return True
    if word == "nhóm" and re.match(r"^\s*/\s*\d{1,2}\b", after):
        return True
    return bool(_RANK_AFTER.match(after))


_YEAR_MENTION = re.compile(
    r"(?:\b(?:den|toi|vao|trong|nam|cuoi)\s+(?:nam\s+)?|\bgiai doan\s+(?:19|20)\d{2}\s*-\s*)(?P<year>(?:19|20)\d{2})\b"
)
_COMPARE_YEAR = re.compile(
    r"so voi (?:nam |cuoi nam |cung ky nam |giai doan (?:(?:19|20)\d{2}\s*-\s*)?)?(?P<year>(?:19|20)\d{2})"
)
# "đã" (past tense, or "đã được bảo hộ": already protected), read WITH diacritics: folded, it is the
# "đa" of "tối đa", "đa dạng", "đa ngành".
_PAST_TENSE = re.compile(r"(?<!\w)đã(?!\w)", re.IGNORECASE)
_COMMITTED_BOUND = re.compile(r"\b(?:khong thap hon|khong it hon|khong duoi|toi thieu|it nhat)\s*$")
_ALREADY = re.compile(r"đã\s+(?:được|bị)(?!\w)", re.IGNORECASE)


def past_reason(
    sentence_prefix: str,
    clause_prefix: str,
    context: PlanContext,
    in_goal_section: bool,
    written: tuple[str, str] | None = None,
) -> tuple[str | None, int | None]:
    """Is this a past result, not a commitment? (reason or None, year of the past figure).

    A sentence that opens on a year before the plan ("Trong năm 2023, …", "Năm 2022, toàn tỉnh có
    …") stays in the past for all its clauses until a forward cue ("phấn đấu", "đến năm") appears.
    """
    past_year, past_at = None, -1
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
    written_sentence, raw_prefix = written or (None, "")
    forward = [m.end() for m in FORWARD.finditer(sentence_prefix, written_sentence)]
    if past_year is not None and forward and max(forward) > past_at:
        past_year = None
    dated = _past_date(clause_prefix, context)
    if dated is not None:
        return f"past_date:{dated}", dated
    cue = PAST.search(clause_prefix, raw_prefix or None)
    tense = None if cue else _PAST_TENSE.search(raw_prefix)
    if tense and in_goal_section and _ALREADY.match(raw_prefix, tense.start()):
        tense = None  # "nhãn hiệu đã được bảo hộ" in a goal list: already protected, not past tense
    if tense and _COMMITTED_BOUND.search(clause_prefix[-30:]):
        tense = None  # "tỷ lệ nhiệm vụ đã nghiệm thu … không thấp hơn 70%": "đã" qualifies the noun
    word = cue or tense
    if word and not FORWARD.search(clause_prefix, raw_prefix or None):
        return f"past_cue:{fold_phrase(word.group(0))}", past_year
    if past_year is not None:
        return f"past_year:{past_year}", past_year
    return None, None


_DATE = re.compile(
    r"\b(?:\d{1,2}/)?\d{1,2}/(?P<year>(?:19|20)\d{2})\b|\bthang \d{1,2} nam (?P<year2>(?:19|20)\d{2})\b"
)


def _past_date(clause_prefix: str, context: PlanContext) -> int | None:
    """ "tỷ lệ giải ngân đến 15/12/2025 đạt 88%": a figure as at a date before the plan is a result."""
    if context.start_year is None:
        return None
    found = None
    for match in _DATE.finditer(clause_prefix[-80:]):
        year = int(match.group("year") or match.group("year2"))
        found = year if year < context.start_year else None
    return found


_MONEY_UNITS = {"tỷ đồng", "triệu đồng", "nghìn đồng", "đồng"}
_MONEY_NORM = re.compile(
    r"\b(?:thuong|ho tro|muc ho tro|tong muc|muc chi|dinh muc|du kien kinh phi|kinh phi thuc hien|du toan|"
    r"tong kinh phi|kinh phi du kien|ngan sach (?:tinh|trung uong|dia phuong) (?:khoang|du kien|bo tri)|"
    r"khong qua|toi da)\b"
)
_POLICY_NORM = re.compile(
    r"\b(?:ho tro|muc ho tro|kinh phi ho tro|chi phi|muc chi|dinh muc|khong qua|toi da)\b[^;]{0,40}$"
)


ADMIN_UNITS = frozenset(p.lower() for p in VOCAB.literal("admin_unit"))


def units_in_scope(text: str, value_end: int, unit: str | None) -> bool:
    """ "đến 102 xã, phường, đặc khu": the count of every administrative unit in scope, not a target."""
    if unit is None or unit.lower() not in ADMIN_UNITS:
        return False
    following = re.match(r"\s*,\s*([^\W\d]+)(?: ([^\W\d]+))?", text[value_end : value_end + 30])
    if not following:
        return False
    one = following.group(1).lower()
    two = f"{one} {(following.group(2) or '').lower()}".strip()
    return one in ADMIN_UNITS or two in ADMIN_UNITS


def policy_norm(
    line: str, prefix_folded: str, tail_folded: str, value_end: int, unit: str | None
) -> str | None:
    """Support rates, caps and cost estimates of a policy ("hỗ trợ tối đa 50% kinh phí", "500 triệu
    đồng/dự án", "thưởng 30 triệu đồng", "dự kiến kinh phí khoảng 120 tỷ đồng"): norms, not targets.
    Returns "budget" or "norm" (the decision kind), or None."""
    # "500 triệu đồng/dự án" is a norm per item; "150 triệu đồng/người" a ratio (productivity, income)
    per_item = re.match(r"^\s*/\s*(?!người|lao động|dân|hộ)[^\W\d]", line[value_end : value_end + 12])
    money = (unit or "").split("/")[0] in _MONEY_UNITS  # "triệu đồng/năm" is money too
    if money and (per_item or _MONEY_NORM.search(prefix_folded)):
        return (
            "budget" if not per_item and re.search(r"kinh phi|du toan|ngan sach", prefix_folded) else "norm"
        )
    if _POLICY_NORM.search(prefix_folded[-60:]) and (per_item or _COST_BASE.match(tail_folded)):
        return "norm"
    if _SUPPORT_RATE.search(prefix_folded[-60:]):
        return "norm"  # "mức hỗ trợ tối đa 30%", "hỗ trợ không quá 50%": a rate or cap of a policy
    return None


_COST_BASE = re.compile(
    r"^\s*(?:kinh phi|chi phi|tong (?:von|kinh phi|chi phi|muc dau tu)|von|gia tri hop dong|lai suat|tien thue|phi)\b"
)
_SUPPORT_RATE = re.compile(r"\bmuc (?:ho tro|chi|thuong)\b[^;,]{0,30}$|\bho tro\s+(?:toi da|khong qua)\s*$")


DURATION_UNITS = frozenset(p.lower() for p in VOCAB.literal("duration_unit"))
_MARKER_ONLY = re.compile(r"^(?:[ivxlc]{1,6}[.)]|\d{1,2}(?:\.\d{1,2}){0,3}[.)]|[a-z][)]|[-+*•–])?\s*")


def commitment(
    indicator_known: bool,
    unit: str | None,
    clause_cues: tuple[str | None, str | None],
    prefix: tuple[str, str],
    opening: str,
    in_goal: bool,
) -> tuple[str | None, dict]:
    """Why a quantity is a commitment (the decision reason), or None; and the cue signals.
    `clause_cues` are the clause's first commitment cue and action cue (found once per clause)."""
    strong, clause_action = clause_cues
    prefix_folded, prefix_written = prefix
    governing = ACTION_CUES.search(prefix_folded[-80:], prefix_written[-80:] if prefix_written else None)
    governing_action = governing.group(0) if governing else None
    any_action = governing_action or clause_action
    leads_clause = unit is not None and unit.startswith("%") and not _MARKER_ONLY.sub("", opening)
    signals = {"commitment_cue": strong, "action_cue": any_action, "goal_section": in_goal}
    if unit in DURATION_UNITS:
        # "trong 05 ngày làm việc" is a deadline of a procedure; "tối đa 15 ngày", "rút ngắn … còn 10 ngày" commit
        reasons = [(strong, "commitment_cue")]
    elif indicator_known:
        reasons = [(strong, "commitment_cue"), (any_action, "action_cue"), (in_goal, "goal_section")]
    else:
        if unit is None:
            return None, signals
        reasons = [
            (strong, "commitment_cue"),
            (governing_action, "action_cue"),
            (leads_clause, "share_leads_clause"),
        ]
    reason = next((name for present, name in reasons if present), None)
    return reason, signals
