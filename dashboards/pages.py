"""HTML pages: plain f-strings, with every value escaped unless it is markup we built (`Safe`).

Pages load plotly.js from `plotly.min.js` beside them (written once by `build_site`), so the
folder opens from a file share or a zipped e-mail attachment with no network at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import plotly.graph_objects as go
import polars as pl

from dashboards import figures as fg
from dashboards.data import Marts, page_name, plan_provinces, province_label
from dashboards.figures import esc, fmt_num, value_text

NO_DATA_VI, NO_DATA_EN = "Chưa có dữ liệu", "No data yet"
FLAGS = {
    "no_header": "không có phần đầu văn bản",
    "doc_number_blank": "số hiệu để trống",
    "issue_day_blank": "ngày ban hành để trống",
    "period_not_stated": "không nêu giai đoạn",
    "indicators_in_missing_appendix": "chỉ tiêu nằm ở phụ lục không có trong tệp",
}
SECTIONS = [  # file, Vietnamese, English
    ("index.html", "Tổng quan", "Overview"),
    ("spending.html", "Chi cho KH&CN (% GRDP)", "R&D spending (% GRDP)"),
    ("ip-enterprises.html", "Sở hữu trí tuệ & doanh nghiệp KH&CN", "IP & S&T enterprises"),
    ("alignment.html", "Văn bản chính sách được dẫn", "Policy alignment"),
    ("themes.html", "Chủ đề", "Themes"),
]

# Records JavaScript errors (and failed script loads) in <body data-js-errors>, so a headless
# browser's DOM dump shows whether the page ran cleanly: "[]" means no error.
ERROR_PROBE = """(function () {
  var errors = [];
  function show() { if (document.body) document.body.setAttribute("data-js-errors", JSON.stringify(errors)); }
  function record(message) { errors.push(String(message)); show(); }
  window.addEventListener("error", function (e) {
    record(e.message || ("failed to load " + ((e.target && (e.target.src || e.target.href)) || "resource")));
  }, true);
  window.addEventListener("unhandledrejection", function (e) {
    record((e.reason && e.reason.message) || e.reason);
  });
  document.addEventListener("DOMContentLoaded", show);
})();"""

LANGUAGE_TOGGLE = """(function () {
  var key = "khcn-dashboard-lang";
  function apply(lang) {
    document.body.classList.toggle("en", lang === "en");
    document.documentElement.lang = lang;
  }
  try { apply(localStorage.getItem(key) || "vi"); } catch (e) { apply("vi"); }
  document.getElementById("lang").addEventListener("click", function () {
    var lang = document.body.classList.contains("en") ? "vi" : "en";
    apply(lang);
    try { localStorage.setItem(key, lang); } catch (e) { /* file:// without storage */ }
  });
})();"""

CSS = """
body{font-family:'Segoe UI',Roboto,'Noto Sans','DejaVu Sans',Arial,sans-serif;margin:0;color:#1f2933;
background:#f7f9fb;font-size:15px;line-height:1.45}
header{background:#0b4f8a;color:#fff;padding:10px 24px;display:flex;align-items:center;gap:16px}
header .brand{font-weight:600;font-size:17px;flex:1}
header button{background:#fff;color:#0b4f8a;border:0;border-radius:4px;padding:4px 10px;cursor:pointer}
nav{background:#e6eef6;padding:6px 24px;display:flex;flex-wrap:wrap;gap:4px 18px;align-items:center}
nav a{color:#0b4f8a;text-decoration:none}nav a.current{font-weight:700;text-decoration:underline}
nav details{position:relative}nav summary{cursor:pointer;color:#0b4f8a}
nav details ul{position:absolute;z-index:10;background:#fff;border:1px solid #cbd2d9;margin:4px 0;padding:6px 14px;
list-style:none;max-height:60vh;overflow:auto;min-width:220px}
main{max-width:1400px;margin:0 auto;padding:8px 24px 40px}
h1{font-size:24px;margin:18px 0 6px}h2{font-size:19px;margin:30px 0 8px;border-bottom:1px solid #cbd2d9}
h3{font-size:16px;margin:20px 0 4px}
.note{color:#52606d;font-size:13.5px;max-width:980px}.empty{color:#7b8794;font-style:italic;padding:8px 0}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.card{background:#fff;border:1px solid #d9e2ec;border-radius:6px;padding:10px 16px;min-width:140px}
.card b{display:block;font-size:24px;color:#0b4f8a}
.chart{background:#fff;border:1px solid #d9e2ec;border-radius:6px;padding:6px;margin:8px 0}
.table-wrap{overflow-x:auto;background:#fff;border:1px solid #d9e2ec;border-radius:6px;margin:8px 0}
table{border-collapse:collapse;font-size:13.5px;width:100%}
th,td{border-bottom:1px solid #e4e7eb;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef4fb;position:sticky;top:0}td.num{text-align:right;white-space:nowrap}
.quote{font-style:italic;color:#334e68;min-width:320px;max-width:640px}
small.en-name{color:#7b8794}footer{color:#7b8794;font-size:12.5px;padding:16px 24px;text-align:center}
body.en .vi{display:none}body:not(.en) .en{display:none}
"""


class Safe(str):
    """Markup built here from escaped parts; `h` passes it through unchanged."""


def h(value: Any) -> str:
    return value if isinstance(value, Safe) else esc(value)


def t(vi: str, en: str) -> Safe:
    """A label in both languages; the toggle in the header shows one of them."""
    return Safe(f'<span class="vi">{h(vi)}</span><span class="en" lang="en">{h(en)}</span>')


def no_data() -> Safe:
    return Safe(f'<p class="empty">{t(NO_DATA_VI, NO_DATA_EN)}</p>')


def link(href: str, text: Any) -> Safe:
    return Safe(f'<a href="{esc(href)}">{h(text)}</a>')


def figure(fig: go.Figure | None, div_id: str) -> Safe:
    if fig is None:
        return no_data()
    div = fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=fg.CONFIG)
    return Safe(f'<div class="chart">{div}</div>')


def table(headers: Sequence[Any], rows: Iterable[Sequence[Any]], numeric: Iterable[int] = ()) -> Safe:
    """A table; every cell is escaped unless it is Safe. Columns in `numeric` are right-aligned."""
    rows = list(rows)
    if not rows:
        return no_data()
    right = set(numeric)
    head = "".join(f"<th>{h(x)}</th>" for x in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{"num" if i in right else "quote" if isinstance(c, Quote) else ""}">{h(c)}</td>'
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return Safe(
        f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
    )


class Quote(str):
    """A verbatim quote from a plan: escaped like any text, styled as a quote."""


def quote(value: Any) -> Quote:
    return Quote(f"«{value}»" if value else "")


def plan_labels(marts: Marts) -> dict[str, str]:
    """How a plan is named in tables: its number, or its title when it has none."""
    return {
        r["document_id"]: r["doc_number"] or f"(không số) {fg.short(r['title'], 60)}"
        for r in marts.documents.iter_rows(named=True)
    }


def plan_ref(labels: dict[str, str], row: dict[str, Any]) -> str:
    return labels.get(row.get("document_id") or "") or row.get("doc_number") or "(không số)"


def date_text(value: Any) -> str:
    return f"{value:%d/%m/%Y}" if value is not None else ""


def layout(marts: Marts, current: str, title: tuple[str, str], body: str, *, map_assets: bool = False) -> str:
    """The frame every page shares: header with the language toggle, navigation, footer."""
    nav = "".join(
        f'<a href="{file}"{" class=current" if file == current else ""}>{t(vi, en)}</a>'
        for file, vi, en in SECTIONS
    )
    provinces = "".join(f"<li>{link(page_name(key), label)}</li>" for key, label in plan_provinces(marts))
    nav += f"<details><summary>{t('Các tỉnh', 'Provinces')}</summary><ul>{provinces}</ul></details>"
    geo = '<script src="geo-asia.js" charset="utf-8"></script>' if map_assets else ""
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title[0])} · KH,CN&amp;ĐMST</title>
<script>{ERROR_PROBE}</script>
<style>{CSS}</style>
<script src="plotly.min.js" charset="utf-8"></script>
{geo}
</head>
<body>
<header><span class="brand">{t("So sánh kế hoạch KH,CN&ĐMST cấp tỉnh", "Provincial S&T and innovation plans")}</span>
<button id="lang" type="button" title="Tiếng Việt / English">VI / EN</button></header>
<nav>{nav}</nav>
<main>
<h1>{t(*title)}</h1>
{body}
</main>
<footer>{t("Tạo lúc", "Built")} {marts.built_at:%d/%m/%Y %H:%M %Z} · {t("nguồn: các tệp Parquet trong thư mục marts; mở được không cần mạng", "source: the mart Parquet files; works offline")}</footer>
<script>{LANGUAGE_TOGGLE}</script>
</body>
</html>
"""


# ---------------------------------------------------------------- overview


def index_page(marts: Marts) -> str:
    provinces = plan_provinces(marts)
    targets = marts.targets
    numeric = targets.filter(~pl.col("qualitative").fill_null(False)).height
    cards = [
        (marts.documents.height, "kế hoạch", "plans"),
        (len(provinces), "tỉnh có kế hoạch", "provinces"),
        (targets.height, f"mục tiêu ({numeric} có số liệu)", f"targets ({numeric} numeric)"),
        (marts.citations["canonical"].n_unique(), "văn bản được dẫn", "documents cited"),
        (marts.rejected.height, "tệp bị loại", "files rejected"),
    ]
    summary = "".join(f'<div class="card"><b>{n}</b>{t(vi, en)}</div>' for n, vi, en in cards)
    profile = {r["province_key"]: r for r in marts.profile.iter_rows(named=True)}
    rows = []
    for key, label in provinces:
        p = profile.get(key, {})
        period = f"{p.get('period_from') or ''}–{p.get('period_to') or ''}".strip("–")
        stated = f"{p.get('indicators_stated') or 0}/{p.get('catalog_size') or '?'}"
        rows.append(
            [
                link(page_name(key), label),
                p.get("successor_name"),
                p.get("plans"),
                period,
                p.get("targets"),
                stated,
                p.get("national_citations"),
            ]
        )
    province_table = table(
        [
            t("Tỉnh", "Province"),
            t("Nay thuộc (từ 7/2025)", "Now part of"),
            t("Kế hoạch", "Plans"),
            t("Giai đoạn", "Period"),
            t("Mục tiêu", "Targets"),
            t("Chỉ số đã nêu", "Indicators stated"),
            t("Dẫn văn bản TW", "National docs cited"),
        ],
        rows,
        numeric=[2, 4, 5, 6],
    )
    rejected = table(
        [t("Tệp", "File"), t("Lý do", "Reason")],
        marts.rejected.select("file_name", "reason").rows(),
    )
    pages = "".join(f"<li>{link(file, t(vi, en))}</li>" for file, vi, en in SECTIONS[1:])
    body = f"""
<div class="cards">{summary}</div>
<p class="note">{
        t(
            "Mỗi con số đều kèm câu trích nguyên văn trong kế hoạch. “Không nêu” là một câu trả lời, không phải số 0.",
            "Every number comes with the sentence it was read from. 'Not stated' is an answer, not a zero.",
        )
    }</p>
<h2 id="matrix">{t("Ma trận chỉ số × tỉnh", "Indicator × province matrix")}</h2>
<p class="note">{
        t(
            "Xám: không nêu trong kế hoạch; vàng: nêu định tính; xanh: nêu có số liệu. "
            "Rê chuột vào ô để xem giá trị, năm mục tiêu và câu trích.",
            "Grey: not stated; yellow: stated without a number; blue: stated with a number. "
            "Hover a cell for the value, target year and quote.",
        )
    }</p>
{figure(fg.matrix_heatmap(marts), "matrix-heatmap")}
<h2 id="map">{t("Bản đồ: số chỉ số đã nêu", "Map: indicators stated")}</h2>
<p class="note">{
        t(
            "Mỗi điểm là trụ sở một tỉnh (63 tỉnh trước 7/2025). Màu và cỡ điểm: số chỉ số trong danh mục mà kế hoạch "
            "của tỉnh có nêu mục tiêu.",
            "One point per province seat; colour and size show how many catalogue indicators its plans target.",
        )
    }</p>
{figure(fg.province_map(marts), "province-map")}
<h2 id="provinces">{t("Các tỉnh", "Provinces")}</h2>
{province_table}
<h2>{t("Các trang phân tích", "Analysis pages")}</h2>
<ul>{pages}</ul>
<h2>{t("Tệp không đưa vào kho", "Files not loaded")}</h2>
{rejected}
"""
    return layout(marts, "index.html", ("Tổng quan", "Overview"), body, map_assets=True)


# ---------------------------------------------------------------- analysis pages


def spending_page(marts: Marts) -> str:
    labels = plan_labels(marts)
    rows = marts.comparison.filter(pl.col("indicator_code") == fg.SPENDING_INDICATOR).sort(
        "target_year", "province_name", nulls_last=True
    )
    detail = table(
        [
            t("Tỉnh", "Province"),
            t("Năm mục tiêu", "Target year"),
            t("Mục tiêu", "Target"),
            t("Mục tiêu quốc gia", "National target"),
            t("So sánh", "Comparison"),
            t("Quy đổi (tỷ đồng)", "Money (bn VND)"),
            t("Văn bản", "Plan"),
            t("Trích dẫn", "Quote"),
        ],
        (
            [
                link(page_name(r["province_key"]), province_label(r["province_key"], r["province_name"])),
                r["target_year"],
                value_text(r),
                national_text(r),
                fg.COMPARISON.get(r["national_comparison"] or "", r["national_comparison"]),
                money_text(r),
                plan_ref(labels, r),
                quote(r["quote"]),
            ]
            for r in rows.iter_rows(named=True)
        ),
        numeric=[1],
    )
    body = f"""
<p class="note">{
        t(
            "Mục tiêu tổng chi cho KH&CN / nghiên cứu và phát triển (NC&PT) tính theo % GRDP. Thanh xanh: khoảng mục tiêu "
            "của tỉnh theo từng năm mục tiêu; dải xanh lá: mục tiêu quốc gia cùng năm. Khi biết GRDP của tỉnh, số tiền "
            "tương ứng hiện khi rê chuột.",
            "Target for total R&D/S&T spending as % of GRDP. Blue: each province's target range by target year; green "
            "band: the national target for that year. Where the province's GRDP is known, the money equivalent is in "
            "the hover.",
        )
    }</p>
{figure(fg.spending_chart(marts), "spending-chart")}
<h2>{t("Chi tiết", "Details")}</h2>
{detail}
"""
    return layout(
        marts, "spending.html", ("Chi cho KH&CN, NC&PT (% GRDP)", "R&D / S&T spending (% GRDP)"), body
    )


def national_text(r: dict[str, Any]) -> str:
    low, high = r.get("national_min"), r.get("national_max")
    if low is None and high is None:
        return ""
    if low is not None and high is not None:
        number = fmt_num(low) if low == high else f"{fmt_num(low)}–{fmt_num(high)}"
    else:
        number = f"≥ {fmt_num(low)}" if low is not None else f"≤ {fmt_num(high)}"
    return f"{number} ({r.get('national_source_doc') or '?'})"


def money_text(r: dict[str, Any]) -> str:
    low, high = r.get("money_min_bn_vnd"), r.get("money_max_bn_vnd")
    if low is None:
        return ""
    amount = fmt_num(low, 1) if high in (None, low) else f"{fmt_num(low, 1)}–{fmt_num(high, 1)}"
    return f"≈ {amount} (GRDP {r.get('grdp_year')}: {fmt_num(r.get('grdp_bn_vnd'), 0)})"


def ip_page(marts: Marts) -> str:
    charts = fg.ip_charts(marts)
    sections = []
    for i, (target_type, unit, type_en, fig) in enumerate(charts):
        type_vi = fg.TARGET_TYPE.get(target_type, (target_type, ""))[0]
        heading = t(f"{type_vi} — đơn vị: {unit or 'không rõ'}", f"{type_en} — unit: {unit or 'unknown'}")
        sections.append(f"<h2>{heading}</h2>{figure(fig, f'ip-chart-{i}')}")
    labels = plan_labels(marts)
    rows = (
        marts.matrix.filter(pl.col("indicator_code").is_in(fg.IP_INDICATORS) & (pl.col("status") == "stated"))
        .sort("indicator_code", "province_name")
        .iter_rows(named=True)
    )
    detail = table(
        [
            t("Chỉ số", "Indicator"),
            t("Tỉnh", "Province"),
            t("Loại mục tiêu", "Target type"),
            t("Giá trị", "Value"),
            t("Năm", "Year"),
            t("Văn bản · mục", "Plan · section"),
            t("Trích dẫn", "Quote"),
        ],
        (
            [
                indicator_cell(r["indicator_name_vi"], r["indicator_name_en"]),
                link(page_name(r["province_key"]), province_label(r["province_key"], r["province_name"])),
                fg.TARGET_TYPE.get(r["target_type"] or "", (r["target_type"],))[0],
                r["cell_text"] or value_text(r),
                r["target_year"],
                f"{plan_ref(labels, r)} · {r['section'] or ''}",
                quote(r["quote"]),
            ]
            for r in rows
        ),
        numeric=[4],
    )
    body = f"""
<p class="note">{
        t(
            "Đơn đăng ký sáng chế, nhãn hiệu, văn bằng bảo hộ, doanh nghiệp KH&CN và khởi nghiệp đổi mới sáng tạo. "
            "Mỗi biểu đồ chỉ gồm một loại mục tiêu và một đơn vị: mức cần đạt, tăng thêm, gấp bao nhiêu lần và tăng "
            "trưởng %/năm không bao giờ nằm chung một trục.",
            "Patent and trademark applications, IP titles, S&T enterprises and innovative start-ups. Each chart holds "
            "one target type and one unit: levels, increases, multiples and annual growth never share an axis.",
        )
    }</p>
{"".join(sections) or no_data()}
<h2>{t("Tất cả mục tiêu", "All targets")}</h2>
{detail}
"""
    title = ("Sở hữu trí tuệ và doanh nghiệp KH&CN", "IP registrations and S&T enterprises")
    return layout(marts, "ip-enterprises.html", title, body)


def indicator_cell(name_vi: Any, name_en: Any) -> Safe:
    return Safe(f'{esc(name_vi)}<br><small class="en-name" lang="en">{esc(name_en)}</small>')


def alignment_page(marts: Marts) -> str:
    docs = (
        marts.alignment.filter(pl.col("issuer_level").is_in(fg.NATIONAL_LEVELS))
        .group_by("canonical")
        .agg(
            pl.col("issuer_level").first(),
            pl.col("issue_date").first(),
            pl.col("province_key").n_unique().alias("provinces"),
            pl.col("occurrences").sum(),
            pl.col("shared_backbone").any(),
            pl.col("first_quote").first(),
        )
        .sort(["provinces", "occurrences", "canonical"], descending=[True, True, False])
    )
    detail = table(
        [
            t("Văn bản", "Document"),
            t("Cơ quan ban hành", "Issuer"),
            t("Ngày", "Date"),
            t("Số tỉnh dẫn", "Provinces citing"),
            t("Tổng số lần dẫn", "Times cited"),
            t("Trích dẫn đầu tiên", "First quote"),
        ],
        (
            [
                r["canonical"],
                fg.ISSUER_LEVEL.get(r["issuer_level"] or "", r["issuer_level"]),
                date_text(r["issue_date"]),
                r["provinces"],
                r["occurrences"],
                quote(r["first_quote"]),
            ]
            for r in docs.iter_rows(named=True)
        ),
        numeric=[3, 4],
    )
    body = f"""
<p class="note">{
        t(
            f"Các văn bản của Trung ương Đảng, Quốc hội, Chính phủ, Thủ tướng và các Bộ được kế hoạch tỉnh dẫn nhiều nhất "
            f"(tối đa {fg.TOP_CITED}). Ô: số lần kế hoạch của tỉnh nhắc tới văn bản; ô trống: không nhắc.",
            f"The national and Party documents the provincial plans cite most (top {fg.TOP_CITED}). Cell: times the "
            "province's plans cite it; blank: not cited.",
        )
    }</p>
{figure(fg.alignment_heatmap(marts), "alignment-heatmap")}
<h2>{t("Tất cả văn bản Trung ương được dẫn", "Every national document cited")}</h2>
{detail}
"""
    return layout(marts, "alignment.html", ("Văn bản chính sách được dẫn", "Policy alignment"), body)


def themes_page(marts: Marts) -> str:
    body = f"""
<p class="note">{
        t(
            "Tỷ trọng nội dung kế hoạch nói về từng chủ đề (theo số lần nhắc từ khóa của chủ đề). "
            "Rê chuột để xem số lần nhắc, số mục và số kế hoạch có nhắc.",
            "Share of each province's plan text about each theme (by theme keyword mentions). Hover for mentions, "
            "sections and plans.",
        )
    }</p>
{figure(fg.themes_heatmap(marts), "themes-heatmap")}
"""
    return layout(marts, "themes.html", ("Chủ đề trong kế hoạch", "Themes"), body)


# ---------------------------------------------------------------- province pages


def province_page(marts: Marts, key: str, label: str) -> str:
    def of(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.filter(pl.col("province_key") == key)

    labels = plan_labels(marts)
    profile = of(marts.profile).to_dicts()
    p = profile[0] if profile else {}
    documents = of(marts.documents).sort("issue_date", "issue_year", "doc_number", nulls_last=True)
    facts = [
        (p.get("plans") or documents.height, "kế hoạch", "plans"),
        (p.get("targets") or of(marts.targets).height, "mục tiêu", "targets"),
        (f"{p.get('indicators_stated') or 0}/{p.get('catalog_size') or '?'}", "chỉ số đã nêu", "indicators"),
        (
            p.get("distinct_citations") or of(marts.citations)["canonical"].n_unique(),
            "văn bản được dẫn",
            "cited",
        ),
    ]
    cards = "".join(f'<div class="card"><b>{esc(n)}</b>{t(vi, en)}</div>' for n, vi, en in facts)
    successor = p.get("successor_name") or (documents["successor_name"][0] if documents.height else None)
    plans = table(
        [
            t("Số hiệu", "Number"),
            t("Tiêu đề", "Title"),
            t("Ngày ban hành", "Issued"),
            t("Cơ quan ban hành", "Issuer"),
            t("Người ký", "Signer"),
            t("Giai đoạn", "Period"),
            t("Lưu ý", "Notes"),
            t("Tệp nguồn", "Source file"),
        ],
        (
            [
                f"{r['doc_type'] or ''} {r['doc_number'] or '(không số)'}".strip(),
                r["title"],
                date_text(r["issue_date"]) or r["issue_year"],
                f"{r['issuer'] or ''} ({fg.ISSUER_LEVEL.get(r['issuer_level'] or '', r['issuer_level'] or '?')})",
                r["signer"],
                f"{r['period_start'] or ''}–{r['period_end'] or ''}".strip("–"),
                "; ".join(
                    FLAGS.get(f.strip(), f.strip()) for f in (r["flags"] or "").split(",") if f.strip()
                ),
                r["file_name"],
            ]
            for r in documents.iter_rows(named=True)
        ),
    )
    targets = of(marts.targets).sort("doc_number", "section", "indicator_code", nulls_last=True)
    target_table = table(
        [
            t("Chỉ số", "Indicator"),
            t("Loại mục tiêu", "Target type"),
            t("Giá trị", "Value"),
            t("Năm", "Year"),
            t("Văn bản", "Plan"),
            t("Mục", "Section"),
            t("Trích dẫn nguyên văn", "Quote"),
            t("Độ tin cậy", "Confidence"),
        ],
        (
            [
                indicator_cell(r["indicator_name_vi"] or r["label"], r["indicator_name_en"]),
                fg.TARGET_TYPE.get(r["target_type"] or "", (r["target_type"],))[0],
                value_text(r),
                r["target_year"],
                plan_ref(labels, r),
                r["section"],
                quote(r["quote"]),
                fmt_num(r["confidence"]),
            ]
            for r in targets.iter_rows(named=True)
        ),
        numeric=[3, 7],
    )
    level_order = {level: i for i, level in enumerate([*fg.NATIONAL_LEVELS, "party_province", "province"])}
    citations = (
        of(marts.citations)
        .with_columns(pl.col("issuer_level").replace_strict(level_order, default=99).alias("_order"))
        .sort(["_order", "issue_date", "canonical"], nulls_last=True)
    )
    citation_table = table(
        [
            t("Văn bản được dẫn", "Document cited"),
            t("Cơ quan ban hành", "Issuer"),
            t("Ngày", "Date"),
            t("Số lần", "Times"),
            t("Trong kế hoạch", "In plan"),
            t("Trích dẫn đầu tiên", "First quote"),
        ],
        (
            [
                r["canonical"],
                fg.ISSUER_LEVEL.get(r["issuer_level"] or "", r["issuer_level"]),
                date_text(r["issue_date"]),
                r["occurrences"],
                plan_ref(labels, r),
                quote(r["first_quote"]),
            ]
            for r in citations.iter_rows(named=True)
        ),
        numeric=[3],
    )
    themes = of(marts.themes).sort("text_share", descending=True, nulls_last=True)
    theme_table = table(
        [t("Chủ đề", "Theme"), t("Số lần nhắc", "Mentions"), t("Số mục", "Sections"), t("Tỷ trọng", "Share")],
        (
            [
                indicator_cell(r["theme_name_vi"], r["theme_name_en"]),
                r["mentions"],
                r["sections"],
                f"{fmt_num(100 * (r['text_share'] or 0), 1)}%",
            ]
            for r in themes.iter_rows(named=True)
        ),
        numeric=[1, 2, 3],
    )
    safe_key = page_name(key).removesuffix(".html")
    body = f"""
<p class="note">{t("Nay thuộc", "Now part of")}: {esc(successor)} · {t("mã", "code")} {esc(key)}</p>
<div class="cards">{cards}</div>
<h2>{t("Kế hoạch", "Plans")}</h2>
{plans}
<h2>{t("Mục tiêu và chỉ tiêu", "Targets")}</h2>
{target_table}
<h2>{t("Văn bản được dẫn", "Citations")}</h2>
{citation_table}
<h2>{t("Chủ đề", "Themes")}</h2>
{figure(fg.province_themes_bar(marts, key), f"{safe_key}-themes")}
{theme_table}
"""
    return layout(marts, page_name(key), (label, label), body)


def render_site(marts: Marts) -> dict[str, str]:
    """Every page of the site, by file name."""
    pages = {
        "index.html": index_page(marts),
        "spending.html": spending_page(marts),
        "ip-enterprises.html": ip_page(marts),
        "alignment.html": alignment_page(marts),
        "themes.html": themes_page(marts),
    }
    for key, label in plan_provinces(marts):
        pages[page_name(key)] = province_page(marts, key, label)
    return pages
