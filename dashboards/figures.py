"""Figures of the analysis pages: one function per chart, each returning a `Chart` (figure, the
data behind it for the CSV download, its English titles), or a Chart without figure when empty.

plotly renders hover text, tick labels and annotations as (a subset of) HTML, so every string
that comes from a document goes through `esc` before it reaches a figure.
"""

from __future__ import annotations

import zlib
from typing import Any

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboards.data import (
    Marts,
    has_column,
    indicator_group,
    matrix_cells,
    plan_provinces,
    province_label,
    vi_order,
)
from dashboards.html import Chart
from dashboards.national import context, indicator_reference, national_rows
from dashboards.text import (
    CHECKED,
    COMPARISON,
    REVIEW,
    esc,
    fmt_num,
    hover,
    money_range,
    review_state,
    short,
    value_text,
    wrap,
)

FONT = "Segoe UI, Roboto, 'Noto Sans', 'DejaVu Sans', Arial, sans-serif"
PALETTE = [
    "#1f6fb2",
    "#ef6c00",
    "#2e7d32",
    "#8e24aa",
    "#c62828",
    "#00838f",
    "#6d4c41",
    "#546e7a",
    "#ad1457",
    "#9e9d24",
]
# Dashboard groups of the indicator catalog (seed indicators.csv, column `dashboard_group`): the
# indicators of the spending page (% GRDP) and of the IP and S&T-enterprise page.
SPENDING_GROUP = "spending"
IP_GROUP = "ip_enterprises"
NATIONAL_LEVELS = ["national", "ministry", "party_central"]
TOP_CITED = 25
MARK = {"above": " ▲", "within": " ●", "below": " ▼"}


def province_colour(key: str) -> str:
    """The same colour for a province in every chart and every build: chosen from its code."""
    return PALETTE[zlib.crc32(key.encode("utf-8")) % len(PALETTE)]


def unique_labels(labels: list[str]) -> list[str]:
    """Category axes merge equal labels; keep them apart with a counter."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def base_layout(fig: go.Figure, height: int, title: str = "", **extra: Any) -> go.Figure:
    settings = {
        "template": "plotly_white",
        "height": height,
        "font": {"family": FONT, "size": 13},
        "hoverlabel": {"align": "left", "font": {"family": FONT}},
        "margin": {"l": 10, "r": 10, "t": 50 if title else 40, "b": 10},
        "title": {"text": esc(title), "x": 0, "xanchor": "left", "font": {"size": 15}},
    }
    fig.update_layout(**{**settings, **extra})
    return fig


def province_labels(marts: Marts, codes: list[str]) -> dict[str, str]:
    names = dict(plan_provinces(marts))
    return dict(zip(codes, unique_labels([esc(names.get(c, c)) for c in codes]), strict=True))


def review_line(row: dict[str, Any]) -> str:
    status = row.get("review_status")
    state = review_state(status)
    return f"Kiểm tra: {REVIEW[state][0]}" if state else ""


# ---------------------------------------------------------------- overview matrix


def matrix_rows(marts: Marts, cells: pl.DataFrame) -> tuple[list[str], list[str]]:
    """Indicators to draw (stated by a province, or with a national target) and those left out."""
    catalog = marts.indicators.filter(pl.col("indicator_code") != "other")["indicator_code"].to_list()
    stated = set(cells.filter(pl.col("status") == "stated")["indicator_code"])
    national = set(marts.national["indicator_code"])
    order = catalog + sorted(set(cells["indicator_code"]) - set(catalog))
    shown = [c for c in order if c in stated or c in national]
    return shown, [c for c in order if c not in shown]


def matrix_cell(marts: Marts, row: dict[str, Any], label: str, names: dict) -> tuple[int, str, str]:
    """(colour level, cell text, hover) of one province × indicator cell."""
    stated = row.get("status") == "stated"
    ref = context(marts, row) if stated else None
    mark = MARK.get(ref.code or "", "") if ref else ""
    warn = " ⚠" if review_state(row.get("review_status")) == "needs_review" else ""
    value = short(value_text(row), 16)
    year = f"<br>({row['target_year']})" if row.get("target_year") else ""
    text = f"{esc(value)}{mark}{warn}{year}" if stated else ""
    tip = hover(
        f"<b>{label}</b>",
        f"<b>{esc(names.get('indicator_name_vi'))}</b>",
        f"Trạng thái: {esc(row.get('status_vi') or 'Không nêu trong kế hoạch')}",
        stated and f"Chỉ tiêu: {esc(value_text(row))} · năm {esc(row.get('target_year'))}",
        ref
        and ref.text
        and f"{esc(ref.text)}" + (f" → {COMPARISON[ref.code][0]}" if ref.code in MARK else ""),
        stated and review_line(row),
        stated and f"Văn bản: {esc(row.get('doc_number') or '(không số)')} · mục {esc(row.get('section'))}",
        stated and f"Trích dẫn: «{wrap(row.get('quote'))}»",
    )
    level = 0 if not stated else 1 if row.get("qualitative") else 2
    return level, text, tip


MATRIX_COLOURS = ["#ffffff", "#eceff1", "#f4b942", "#1f6fb2", "#c5e1a5"]
MATRIX_LEGEND = {
    "vi": ["Không nêu", "Nêu định tính", "Nêu có số liệu", "Chỉ tiêu quốc gia"],
    "en": ["Not stated", "Stated in words", "Stated with a number", "National target"],
}
MATRIX_DATA_COLUMNS = (
    "province_key",
    "province_name",
    "indicator_code",
    "indicator_name_vi",
    "status_vi",
    "cell_text",
    "target_year",
    "doc_number",
    "section",
    "quote",
)


def national_matrix_cell(marts: Marts, indicator: str, names: dict) -> tuple[int, str, str]:
    """(colour level, cell text, hover) of the first column: the national target(s) of an indicator."""
    reference = indicator_reference(marts, indicator)
    text = (
        "<br>".join(esc(short(x.removeprefix("quốc gia ").split(" (")[0], 26)) for x in reference.split("; "))
        if reference
        else ""
    )
    tip = hover(
        "<b>Chỉ tiêu quốc gia</b>",
        esc(names.get("indicator_name_vi")),
        esc(reference) or "Không có chỉ tiêu quốc gia",
    )
    return (3 if reference else -1), text, tip


def matrix_grid(
    marts: Marts, cells: pl.DataFrame, indicators: list[str], columns: dict[str, str]
) -> tuple[list[list[int]], list[list[str]], list[list[str]]]:
    """(colour levels, cell texts, hovers): one row per indicator, the national column first, then
    one column per province (`columns`: province key → label, in page order)."""
    by_key = {(r["indicator_code"], r["province_key"]): r for r in cells.iter_rows(named=True)}
    names = {r["indicator_code"]: r for r in cells.iter_rows(named=True)}
    z, text, custom = [], [], []
    for indicator in indicators:
        own = names.get(indicator, {})
        row_cells = [national_matrix_cell(marts, indicator, own)]
        for code, label in columns.items():
            row = by_key.get((indicator, code)) or {"province_key": code, "status": "not_stated"}
            row_cells.append(matrix_cell(marts, {**row, "indicator_code": indicator}, label, own))
        z.append([c[0] for c in row_cells])
        text.append([c[1] for c in row_cells])
        custom.append([c[2] for c in row_cells])
    return z, text, custom


def matrix_figure(grid: tuple[list, list, list], x: list[str], y: list[str], provinces: int) -> go.Figure:
    """The heatmap itself: discrete colours per level, cell texts shown while the page is narrow
    enough (eight provinces or fewer) to read them."""
    z, text, custom = grid
    scale = [[(i + d) / 5, MATRIX_COLOURS[i]] for i in range(5) for d in (0, 1)]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=x,
            y=y,
            text=text,
            customdata=custom,
            texttemplate="%{text}" if provinces <= 8 else None,
            textfont={"size": 10.5},
            hovertemplate="%{customdata}<extra></extra>",
            zmin=-1.5,
            zmax=3.5,
            colorscale=scale,
            xgap=2,
            ygap=2,
            colorbar={
                "tickvals": [0, 1, 2, 3],
                "ticktext": MATRIX_LEGEND["vi"],
                "thickness": 14,
                "lenmode": "pixels",
                "len": 140,
                "y": 1,
                "yanchor": "top",
            },
        )
    )
    fig.update_yaxes(autorange="reversed", tickfont={"size": 12}, tickmode="linear", dtick=1)
    fig.update_xaxes(side="top", tickangle=0 if provinces <= 7 else -45, tickmode="linear", dtick=1)
    per_row = 44 if provinces <= 8 else 26
    base_layout(fig, height=max(320, 150 + per_row * len(y)), margin={"l": 10, "r": 10, "t": 90, "b": 10})
    return fig


def matrix_heatmap(marts: Marts) -> Chart:
    """Indicator × province, with the national targets as the first column."""
    cells = matrix_cells(marts)
    if cells.is_empty():
        return Chart(None, "matrix-heatmap")
    codes = [code for code, _ in plan_provinces(marts) if code in set(cells["province_key"])]
    indicators, hidden = matrix_rows(marts, cells)
    names = {r["indicator_code"]: r for r in cells.iter_rows(named=True)}
    columns = province_labels(marts, codes)
    y_labels = unique_labels([esc(short(names.get(i, {}).get("indicator_name_vi") or i)) for i in indicators])
    x = ["<b>Chỉ tiêu quốc gia</b>", *columns.values()]
    fig = matrix_figure(matrix_grid(marts, cells, indicators, columns), x, y_labels, len(codes))
    en_names = dict(marts.indicators.select("indicator_code", "name_en").rows())
    y_en = unique_labels([esc(short(en_names.get(i) or i)) for i in indicators])
    axes = {
        "yaxis.tickmode": "array",
        "yaxis.tickvals": y_labels,
        "xaxis.tickmode": "array",
        "xaxis.tickvals": x,
    }
    chart = Chart(
        fig,
        "matrix-heatmap",
        cells.select(MATRIX_DATA_COLUMNS),
        en={**axes, "yaxis.ticktext": y_en, "xaxis.ticktext": ["<b>National target</b>", *x[1:]]},
        vi={**axes, "yaxis.ticktext": y_labels, "xaxis.ticktext": x},
    )
    chart.traces_en = [([0], {"colorbar.ticktext": [MATRIX_LEGEND["en"]]})]
    chart.traces_vi = [([0], {"colorbar.ticktext": [MATRIX_LEGEND["vi"]]})]
    chart.hidden = hidden  # type: ignore[attr-defined]
    return chart


# ---------------------------------------------------------------- spending


def national_band(fig: go.Figure, marts: Marts, indicator: str, year: int, col: int, first: bool) -> None:
    """The national target for this year as a band (range) or a line (one-sided bound)."""
    rows = [r for r in national_kind(marts, indicator, "level", "% GRDP") if r["target_year"] == year]
    if not rows:
        return
    n = rows[0]
    low = None if n["bound"] in ("le", "lt") else n["value_min"]
    high = None if n["bound"] in ("ge", "gt") else n["value_max"]
    source = esc(n["source_doc"])
    style = {"row": 1, "col": col, "name": "Chỉ tiêu quốc gia", "legendgroup": "national"}
    if low is not None and high is not None and low != high:
        fig.add_hrect(
            y0=low,
            y1=high,
            fillcolor="#43a047",
            opacity=0.18,
            line_width=0,
            showlegend=first,
            annotation_text=f"Quốc gia {year}: {fmt_num(low)}–{fmt_num(high)} ({source})",
            annotation_position="top left",
            annotation_font={"size": 11, "color": "#2e7d32"},
            **style,
        )
    elif low is not None or high is not None:
        value = low if low is not None else high
        sign = "≥" if high is None else "≤" if low is None else "="
        fig.add_hline(
            y=value,
            line_dash="dash",
            line_color="#2e7d32",
            showlegend=first,
            annotation_text=f"Quốc gia {year}: {sign} {fmt_num(value)} ({source})",
            annotation_position="top left",
            **style,
        )


def national_kind(marts: Marts, indicator: str, target_type: str, unit: str) -> list[dict]:
    """National targets of one indicator, type and unit (one per year)."""
    return [
        r for r in national_rows(marts, indicator) if r["target_type"] == target_type and r["unit"] == unit
    ]


SPENDING_DATA_COLUMNS = (
    "province_key",
    "province_name",
    "target_year",
    "bound",
    "value_min",
    "value_max",
    "national_source_doc",
    "national_min",
    "national_max",
    "national_comparison",
    "grdp_year",
    "grdp_bn_vnd",
    "money_min_bn_vnd",
    "money_max_bn_vnd",
    "quote",
)


def spending_rows(marts: Marts) -> pl.DataFrame:
    """The spending targets that can be drawn: a number and a target year, by year then province."""
    rows = marts.comparison.filter(
        pl.col("indicator_code").is_in(indicator_group(SPENDING_GROUP))
        & (pl.col("value_min").is_not_null() | pl.col("value_max").is_not_null())
        & pl.col("target_year").is_not_null()
    )
    return vi_order(rows).sort("target_year", "_vi")


def spending_trace(marts: Marts, rows: pl.DataFrame, first: bool) -> tuple[go.Scatter, float]:
    """One target year's provincial targets as vertical bars (low to high), and the highest value
    drawn, so the shared axis fits every year."""
    xs, ys, tips, top = [], [], [], 0.0
    for r in rows.iter_rows(named=True):
        low = r["value_min"] if r["value_min"] is not None else r["value_max"]
        high = r["value_max"] if r["value_max"] is not None else r["value_min"]
        top = max(top, high, r["national_max"] or 0, r["national_min"] or 0)
        label = esc(province_label(r["province_key"], r["province_name"]))
        tip = spending_hover(marts, r)
        xs += [label, label, None]
        ys += [low, high, None]
        tips += [tip, tip, None]
    trace = go.Scatter(
        x=xs,
        y=ys,
        mode="lines+markers",
        line={"width": 14, "color": "#1f6fb2"},
        marker={"size": 16, "color": "#1f6fb2", "line": {"width": 2, "color": "white"}},
        name="Chỉ tiêu của tỉnh",
        legendgroup="province",
        showlegend=first,
        customdata=tips,
        hovertemplate="%{customdata}<extra></extra>",
        connectgaps=False,
    )
    return trace, top


def spending_chart(marts: Marts) -> Chart:
    """R&D/S&T spending as % of GRDP: each province's target per target year vs the national one."""
    rows = spending_rows(marts)
    if rows.is_empty():
        return Chart(None, "spending-chart")
    years = rows["target_year"].unique().sort().to_list()
    fig = make_subplots(
        rows=1, cols=len(years), shared_yaxes=True, subplot_titles=[f"Năm mục tiêu {y}" for y in years]
    )
    top = 0.0
    for col, year in enumerate(years, start=1):
        trace, highest = spending_trace(marts, rows.filter(pl.col("target_year") == year), first=col == 1)
        top = max(top, highest)
        fig.add_trace(trace, row=1, col=col)
        for i, code in enumerate(indicator_group(SPENDING_GROUP)):
            national_band(fig, marts, code, year, col, first=col == 1 and i == 0)
            for r in national_kind(marts, code, "level", "% GRDP"):
                top = max(top, r["value_max"] or 0)
    fig.update_yaxes(title_text="% GRDP", range=[0, top * 1.25 or 1], row=1, col=1)
    base_layout(
        fig,
        height=480,
        title="Chỉ tiêu chi cho KH&CN theo % GRDP, so với chỉ tiêu quốc gia",
        legend={"orientation": "h", "y": -0.15},
    )
    return Chart(
        fig,
        "spending-chart",
        rows.select(SPENDING_DATA_COLUMNS),
        en={"title.text": "R&D / S&T spending targets, % of GRDP, against the national target"},
        vi={"title.text": fig.layout.title.text},
    )


def spending_hover(marts: Marts, r: dict[str, Any]) -> str:
    money = ""
    if r.get("money_min_bn_vnd") is not None:
        amount = money_range(r["money_min_bn_vnd"], r.get("money_max_bn_vnd"))
        money = f"Quy đổi: ≈ {amount} tỷ đồng (GRDP {esc(r.get('grdp_year'))}: {fmt_num(r.get('grdp_bn_vnd'), 0)} tỷ đồng)"
    ref = context(marts, {**r, "target_type": r.get("target_type") or "level"})
    verdict = COMPARISON.get(ref.code or "", ("",))[0]
    return hover(
        f"<b>{esc(province_label(r['province_key'], r.get('province_name')))}</b> (nay thuộc {esc(r.get('successor_name'))})",
        f"Chỉ tiêu: {esc(value_text(r))} · năm {esc(r.get('target_year'))}",
        money,
        ref.text and f"{esc(ref.text)} → {esc(verdict)}",
        review_line(r),
        f"Văn bản: {esc(r.get('doc_number') or '(không số)')}",
        f"«{wrap(r.get('quote'))}»",
    )


def review_counts(marts: Marts) -> pl.DataFrame:
    """Per province: targets awaiting review; empty when the marts carry no review status."""
    if not has_column(marts.targets, "review_status"):
        return pl.DataFrame(schema={"province_key": pl.String, "needs_review": pl.Int64})
    return marts.targets.group_by("province_key").agg(
        (pl.col("review_status").is_not_null() & ~pl.col("review_status").is_in(list(CHECKED)))
        .sum()
        .cast(pl.Int64)
        .alias("needs_review")
    )
