"""HTML building blocks: plain f-strings, every value escaped unless it is markup we built (`Safe`).

Pages load plotly.js, the style sheet and the script from files beside them (written once by
`build_site`), so the folder opens from a file share or a zipped e-mail attachment offline.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import polars as pl

from dashboards.data import Marts, page_name, plan_provinces
from dashboards.text import COMPARISON, REVIEW, esc, local_time, review_state
from pipelines.publishing.exports import csv_safe

ASSETS = Path(__file__).parent / "assets"
ERROR_PROBE = (ASSETS / "probe.js").read_text(encoding="utf-8")
NO_DATA_VI, NO_DATA_EN = "Chưa có dữ liệu", "No data yet"
WORKBOOK = "../khcn_benchmark.xlsx"
CONFIG = {"displaylogo": False, "responsive": True, "toImageButtonOptions": {"format": "png", "scale": 2}}
SECTIONS = [  # file, Vietnamese, English
    ("index.html", "Tổng quan", "Overview"),
    ("benchmark.html", "Xếp hạng và so sánh", "Rankings"),
    ("spending.html", "Chi cho KH&CN (% GRDP)", "R&D spending (% GRDP)"),
    ("ip-enterprises.html", "Sở hữu trí tuệ & doanh nghiệp KH&CN", "IP & S&T enterprises"),
    ("alignment.html", "Văn bản chính sách được dẫn", "Policy alignment"),
    ("themes.html", "Chủ đề", "Themes"),
]


class Safe(str):
    """Markup built here from escaped parts; `h` passes it through unchanged."""


class Quote(str):
    """A verbatim quote from a plan: escaped like any text, styled as a quote."""


def h(value: Any) -> str:
    return value if isinstance(value, Safe) else esc(value)


def t(vi: str, en: str) -> Safe:
    """A label in both languages; the toggle in the header shows one of them."""
    return Safe(f'<span class="vi">{h(vi)}</span><span class="en" lang="en">{h(en)}</span>')


def no_data() -> Safe:
    return Safe(f'<p class="empty">{t(NO_DATA_VI, NO_DATA_EN)}</p>')


def link(href: str, text: Any) -> Safe:
    return Safe(f'<a href="{esc(href)}">{h(text)}</a>')


def quote(value: Any) -> Quote:
    return Quote(f"«{value}»" if value else "")


def comparison_badge(code: str | None, text: str = "") -> Safe:
    """above / within / below in colour; another year's national target as grey context."""
    if not code:
        return Safe("")
    vi, en, _ = COMPARISON.get(code, (code, code, ""))
    label = f"{text} · {vi}" if text else vi
    return Safe(f'<span class="cmp cmp-{esc(code)}" title="{esc(en)}">{esc(label)}</span>')


def review_badge(status: str | None) -> Safe:
    """'đã kiểm tra' / 'cần kiểm tra' where the marts carry a review status, nothing otherwise."""
    status = review_state(status)
    if status is None:
        return Safe("")
    vi, en = REVIEW[status]
    mark = "⚠ " if status == "needs_review" else "✓ "
    return Safe(f'<span class="review review-{esc(status)}" title="{esc(en)}">{mark}{esc(vi)}</span>')


@dataclass
class Row:
    """A table row with a CSS class (national reference, needs review …)."""

    cells: Sequence[Any]
    css: str = ""


def target_row(cells: Sequence[Any], r: dict[str, Any]) -> Row:
    """A row of one target, marked while it still needs review (the page can hide or show those)."""
    return Row(cells, "needs-review" if review_state(r.get("review_status")) == "needs_review" else "")


def table(
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any] | Row],
    numeric: Iterable[int] = (),
    optional: Iterable[int] = (),
) -> Safe:
    """A table; every cell is escaped unless it is Safe. Columns in `numeric` are right-aligned;
    a column in `optional` (e.g. review status) is left out when none of its cells has a value."""
    rows = [r if isinstance(r, Row) else Row(r) for r in rows]
    if not rows:
        return no_data()
    drop = {i for i in optional if not any(row.cells[i] for row in rows if i < len(row.cells))}
    if drop:
        headers = [x for i, x in enumerate(headers) if i not in drop]
        rows = [Row([c for i, c in enumerate(r.cells) if i not in drop], r.css) for r in rows]
        numeric = [i - sum(d < i for d in drop) for i in numeric if i not in drop]
    right = set(numeric)
    head = "".join(f"<th>{h(x)}</th>" for x in headers)
    body = "".join(
        (f'<tr class="{esc(row.css)}">' if row.css else "<tr>")
        + "".join(
            f'<td class="{"num" if i in right else "quote" if isinstance(c, Quote) else ""}">{h(c)}</td>'
            for i, c in enumerate(row.cells)
        )
        + "</tr>"
        for row in rows
    )
    return Safe(
        f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
    )


@dataclass
class Chart:
    """A figure, the data behind it (offered as CSV beside the page) and its English texts."""

    fig: go.Figure | None
    div_id: str
    data: pl.DataFrame | None = None
    en: dict[str, Any] = field(default_factory=dict)  # relayout keys -> English text
    vi: dict[str, Any] = field(default_factory=dict)  # the same keys -> Vietnamese (to switch back)
    traces_en: list = field(default_factory=list)  # [(trace indices, restyle dict)]
    traces_vi: list = field(default_factory=list)


def csv_text(frame: pl.DataFrame) -> str:
    """UTF-8 CSV with a BOM, so Excel shows the diacritics; written as the mart CSVs are
    (`csv_safe`: lists joined, text Excel would run as a formula prefixed with an apostrophe)."""
    return "\ufeff" + csv_safe(frame).write_csv()


def figure(chart: Chart, files: dict[str, str]) -> Safe:
    """The chart's div, its CSV download link (the CSV goes into `files`), its language texts."""
    if chart.fig is None:
        return no_data()
    div = chart.fig.to_html(full_html=False, include_plotlyjs=False, div_id=chart.div_id, config=CONFIG)
    i18n = {
        "en": {"layout": chart.en, "traces": [[i, s] for i, s in chart.traces_en]},
        "vi": {"layout": chart.vi, "traces": [[i, s] for i, s in chart.traces_vi]},
    }
    attribute = esc(json.dumps(i18n, ensure_ascii=False))
    download = ""
    if chart.data is not None and not chart.data.is_empty():
        name = f"data/{chart.div_id}.csv"
        files[name] = csv_text(chart.data)
        download = (
            f'<p class="downloads"><a href="{esc(name)}" download>'
            f"{t('Tải dữ liệu của biểu đồ (CSV)', 'Download the chart data (CSV)')}</a></p>"
        )
    return Safe(f'<div class="chart" data-i18n="{attribute}">{div}</div>{download}')


def layout(marts: Marts, current: str, title: tuple[str, str], body: str, *, map_assets: bool = False) -> str:
    """The frame every page shares: header with the language toggle, navigation, footer."""
    nav = "".join(
        f'<a href="{file}"{" class=current" if file == current else ""}>{t(vi, en)}</a>'
        for file, vi, en in SECTIONS
    )
    provinces = "".join(f"<li>{link(page_name(key), label)}</li>" for key, label in plan_provinces(marts))
    nav += f"<details><summary>{t('Các tỉnh', 'Provinces')}</summary><ul>{provinces}</ul></details>"
    nav += f'<a href="{WORKBOOK}">{t("Sổ tính Excel", "Excel workbook")}</a>'
    geo = '<script src="geo-asia.js" charset="utf-8"></script>' if map_assets else ""
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title[0])} · KH,CN&amp;ĐMST</title>
<script>{ERROR_PROBE}</script>
<link rel="stylesheet" href="site.css">
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
<footer>{t("Tạo lúc", "Built")} {esc(local_time(marts.built_at))} · {t("nguồn: các tệp Parquet trong thư mục marts; mở được không cần mạng", "source: the mart Parquet files; works offline")}</footer>
<script src="site.js" charset="utf-8"></script>
</body>
</html>
"""


def review_tools(has_review: bool) -> Safe:
    """The 'only checked numbers' switch, shown only when the marts carry a review status."""
    if not has_review:
        return Safe("")
    return Safe(
        '<div class="tools"><label><input type="checkbox" id="only-checked"> '
        f"{t('Chỉ hiện số liệu đã kiểm tra', 'Show only checked numbers')}</label></div>"
    )
