"""Figures: one function per chart, each returning a plotly Figure, or None when there is no data.

plotly renders hover text, tick labels and annotations as (a subset of) HTML, so every string
that comes from a document goes through `esc` before it reaches a figure.
"""

from __future__ import annotations

import html
import textwrap
from itertools import cycle
from typing import Any

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboards.data import Marts, matrix_cells, plan_provinces, province_label

FONT = "Segoe UI, Roboto, 'Noto Sans', 'DejaVu Sans', Arial, sans-serif"
CONFIG = {"displaylogo": False, "responsive": True, "toImageButtonOptions": {"format": "png", "scale": 2}}

PALETTE = ["#1f6fb2", "#ef6c00", "#2e7d32", "#8e24aa", "#c62828", "#00838f", "#6d4c41", "#546e7a"]
SPENDING_INDICATOR = "rd_spend_pct_grdp"
IP_INDICATORS = [
    "patent_applications",
    "trademark_applications",
    "ip_applications",
    "ip_grants",
    "ip_collective_cert_marks",
    "ip_marks_supported",
    "ocop_ip_products",
    "st_enterprises",
    "innovative_startups",
    "innovating_enterprise_share_pct",
]
NATIONAL_LEVELS = ["national", "ministry", "party_central"]
TOP_CITED = 25

TARGET_TYPE = {  # code: (Vietnamese, English)
    "level": ("Mức cần đạt (giá trị tuyệt đối)", "Level to reach"),
    "increase_by": ("Tăng thêm so với kỳ gốc", "Increase by"),
    "multiply_by": ("Gấp số lần so với kỳ gốc", "Multiply by"),
    "annual_growth_pct": ("Tăng trưởng bình quân mỗi năm", "Annual growth"),
}
ISSUER_LEVEL = {
    "national": "Chính phủ, Thủ tướng, Quốc hội",
    "ministry": "Bộ, ngành Trung ương",
    "party_central": "Trung ương Đảng",
    "province": "UBND, HĐND tỉnh",
    "party_province": "Tỉnh ủy",
    "department": "Sở",
    "party": "Cơ quan Đảng",
}
COMPARISON = {
    "within": "trong khoảng mục tiêu quốc gia",
    "above": "cao hơn mục tiêu quốc gia",
    "below": "thấp hơn mục tiêu quốc gia",
    "no_national_target": "không có mục tiêu quốc gia để so sánh",
}
BOUND_SIGN = {"ge": "≥ ", "gt": "> ", "le": "≤ ", "lt": "< "}


# ---------------------------------------------------------------- text helpers


def esc(value: Any) -> str:
    """HTML-escaped text ('' for None); plotly and browsers both show it as the original text."""
    return "" if value is None else html.escape(str(value), quote=True)


def wrap(value: Any, width: int = 80) -> str:
    """Escaped text broken into <br>-separated lines for hover boxes."""
    if value is None:
        return ""
    return "<br>".join(esc(line) for line in textwrap.wrap(str(value), width) or [""])


def short(value: Any, width: int = 48) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def fmt_num(value: float | None, digits: int = 2) -> str:
    """Vietnamese number format: 1.755,8 (dot for thousands, comma for decimals)."""
    if value is None:
        return ""
    text = f"{value:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def value_text(row: dict[str, Any]) -> str:
    """A target's value as analysts write it: '1,2–1,5 % GRDP', '≥ 1 mô hình', '+2 doanh nghiệp'."""
    low, high, bound = row.get("value_min"), row.get("value_max"), row.get("bound")
    if row.get("qualitative") or (low is None and high is None):
        return "định tính"
    if bound == "range" and low is not None and high is not None and low != high:
        number = f"{fmt_num(low)}–{fmt_num(high)}"
    else:
        number = fmt_num(high if bound in ("le", "lt") or low is None else low)
    prefix = {"increase_by": "+", "multiply_by": "×"}.get(row.get("target_type") or "", "")
    return f"{BOUND_SIGN.get(bound or '', '')}{prefix}{number} {row.get('unit') or ''}".strip()


def hover(*lines: str) -> str:
    return "<br>".join(line for line in lines if line)


def unique_labels(labels: list[str]) -> list[str]:
    """Category axes merge equal labels; keep them apart with a counter."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def base_layout(fig: go.Figure, height: int, **extra: Any) -> go.Figure:
    settings = {
        "template": "plotly_white",
        "height": height,
        "font": {"family": FONT, "size": 13},
        "hoverlabel": {"align": "left", "font": {"family": FONT}},
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
    }
    fig.update_layout(**{**settings, **extra})
    return fig


def province_labels(marts: Marts, codes: list[str]) -> dict[str, str]:
    names = dict(plan_provinces(marts))
    return dict(zip(codes, unique_labels([esc(names.get(c, c)) for c in codes]), strict=True))


# ---------------------------------------------------------------- overview


def matrix_heatmap(marts: Marts) -> go.Figure | None:
    """Indicator × province: not stated / stated qualitatively / stated with a number."""
    cells = matrix_cells(marts)
    if cells.is_empty():
        return None
    codes = [code for code, _ in plan_provinces(marts) if code in set(cells["province_key"])]
    catalog = marts.indicators.filter(pl.col("indicator_code") != "other")
    indicators = [c for c in catalog["indicator_code"] if c in set(cells["indicator_code"])]
    indicators += sorted(set(cells["indicator_code"]) - set(indicators))
    by_key = {(r["indicator_code"], r["province_key"]): r for r in cells.iter_rows(named=True)}
    any_row = {r["indicator_code"]: r for r in cells.iter_rows(named=True)}
    columns = province_labels(marts, codes)

    z, text, custom = [], [], []
    for indicator in indicators:
        z_row, text_row, custom_row = [], [], []
        for code in codes:
            row = by_key.get((indicator, code)) or {"province_key": code, "status": "not_stated"}
            stated = row.get("status") == "stated"
            z_row.append(0 if not stated else 1 if row.get("qualitative") else 2)
            text_row.append(esc(short(row.get("cell_text"), 18)) if stated else "")
            custom_row.append(
                hover(
                    f"<b>{columns[code]}</b>",
                    f"<b>{esc(any_row[indicator].get('indicator_name_vi'))}</b>",
                    f"<i>{esc(any_row[indicator].get('indicator_name_en'))}</i>",
                    f"Trạng thái: {esc(row.get('status_vi') or 'Không nêu trong kế hoạch')}",
                    stated and f"Giá trị: {esc(row.get('cell_text'))}",
                    stated and f"Năm mục tiêu: {esc(row.get('target_year'))}",
                    stated
                    and f"Văn bản: {esc(row.get('doc_number') or '(không số)')} · mục {esc(row.get('section'))}",
                    stated and f"Trích dẫn: «{wrap(row.get('quote'))}»",
                )
            )
        z.append(z_row)
        text.append(text_row)
        custom.append(custom_row)
    y_labels = unique_labels([esc(short(any_row[i].get("indicator_name_vi"))) for i in indicators])
    colours = ["#eceff1", "#f4b942", "#1f6fb2"]
    scale = [[i / 3 + d, colours[i]] for i in range(3) for d in (0, 1 / 3)]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=list(columns.values()),
            y=y_labels,
            text=text,
            customdata=custom,
            texttemplate="%{text}" if len(codes) <= 8 else None,
            textfont={"size": 11},
            hovertemplate="%{customdata}<extra></extra>",
            zmin=-0.5,
            zmax=2.5,
            colorscale=scale,
            xgap=2,
            ygap=2,
            colorbar={
                "tickvals": [0, 1, 2],
                "ticktext": ["Không nêu", "Nêu định tính", "Nêu có số liệu"],
                "thickness": 14,
                "lenmode": "pixels",
                "len": 110,
                "y": 1,
                "yanchor": "top",
            },
        )
    )
    fig.update_yaxes(autorange="reversed", tickfont={"size": 12}, tickmode="linear", dtick=1)
    fig.update_xaxes(side="top", tickangle=0 if len(codes) <= 8 else -45, tickmode="linear", dtick=1)
    return base_layout(
        fig, height=max(320, 140 + 26 * len(indicators)), margin={"l": 10, "r": 10, "t": 90, "b": 10}
    )


def province_map(marts: Marts) -> go.Figure | None:
    """Every province at its coordinates; provinces with plans coloured and sized by indicators stated.

    Drawn with scattergeo on the vendored Natural Earth base map: no tiles, no network.
    """
    coords = ["province_key", "province_name", "latitude", "longitude"]
    units_2025 = marts.provinces_2025.with_columns((pl.col("province_code") + "/2025").alias("province_key"))
    profile = marts.profile.select("province_key", "successor_name", "indicators_stated", "plans")
    points = (
        pl.concat([marts.provinces.select(coords), units_2025.select(coords)])
        .join(profile, on="province_key", how="left")
        .filter(~pl.col("province_key").str.ends_with("/2025") | pl.col("plans").is_not_null())
        .drop_nulls(["latitude", "longitude"])
        .with_columns(pl.col("indicators_stated").fill_null(0), pl.col("plans").fill_null(0))
    )
    if points.is_empty():
        return None
    without, with_plans = points.filter(pl.col("plans") == 0), points.filter(pl.col("plans") > 0)
    fig = go.Figure()
    fig.add_trace(
        go.Scattergeo(
            lat=without["latitude"].to_list(),
            lon=without["longitude"].to_list(),
            mode="markers",
            marker={"size": 6, "color": "#b0bec5"},
            name="Chưa có kế hoạch trong kho",
            customdata=[f"<b>{esc(n)}</b><br>Chưa có kế hoạch trong kho" for n in without["province_name"]],
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    if not with_plans.is_empty():
        counts = with_plans["indicators_stated"].to_list()
        labels = [
            esc(province_label(k, n)) for k, n in with_plans.select("province_key", "province_name").rows()
        ]
        fig.add_trace(
            go.Scattergeo(
                lat=with_plans["latitude"].to_list(),
                lon=with_plans["longitude"].to_list(),
                mode="markers+text",
                text=labels,
                textposition="middle right",
                textfont={"size": 12, "color": "#263238"},
                marker={
                    "size": [12 + 2 * min(c, 15) for c in counts],
                    "color": counts,
                    "cmin": 0,
                    "cmax": max(max(counts), 1),
                    "colorscale": "YlGnBu",
                    "line": {"width": 1, "color": "#37474f"},
                    "colorbar": {"title": {"text": "Chỉ số đã nêu"}, "thickness": 14, "len": 0.5},
                },
                name="Có kế hoạch (màu, cỡ: số chỉ số đã nêu)",
                customdata=[
                    hover(
                        f"<b>{label}</b>",
                        f"Nay thuộc: {esc(r['successor_name'])}",
                        f"Số kế hoạch: {r['plans']}",
                        f"Chỉ số đã nêu: {r['indicators_stated']}",
                    )
                    for label, r in zip(labels, with_plans.iter_rows(named=True), strict=True)
                ],
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    fig.update_geos(
        scope="asia",
        resolution=50,
        fitbounds="locations",
        projection_type="mercator",
        showcountries=True,
        countrycolor="#90a4ae",
        showland=True,
        landcolor="#f5f3ee",
        showocean=True,
        oceancolor="#e3eef7",
        showlakes=False,
    )
    return base_layout(fig, height=820, legend={"orientation": "h", "y": -0.02})


# ---------------------------------------------------------------- spending


def national_reference(fig: go.Figure, rows: pl.DataFrame, col: int, first: bool) -> None:
    """The national target for this year as a band (range) or a line (one-sided bound)."""
    national = rows.drop_nulls("national_source_doc").head(1)
    if national.is_empty():
        return
    n = national.row(0, named=True)
    low, high, source = n["national_min"], n["national_max"], esc(n["national_source_doc"])
    style = {"row": 1, "col": col, "name": "Mục tiêu quốc gia", "legendgroup": "national"}
    if low is not None and high is not None and low != high:
        fig.add_hrect(
            y0=low,
            y1=high,
            fillcolor="#43a047",
            opacity=0.18,
            line_width=0,
            showlegend=first,
            annotation_text=f"Quốc gia: {fmt_num(low)}–{fmt_num(high)} ({source})",
            annotation_position="top left",
            annotation_font={"size": 11, "color": "#2e7d32"},
            **style,
        )
    elif low is not None or high is not None:
        value = low if low is not None else high
        sign = "≥" if high is None else "≤"
        fig.add_hline(
            y=value,
            line_dash="dash",
            line_color="#2e7d32",
            showlegend=first,
            annotation_text=f"Quốc gia: {sign} {fmt_num(value)} ({source})",
            annotation_position="top left",
            **style,
        )


def spending_chart(marts: Marts) -> go.Figure | None:
    """R&D/S&T spending as % of GRDP: each province's target range per target year vs the national one."""
    rows = marts.comparison.filter(
        (pl.col("indicator_code") == SPENDING_INDICATOR)
        & (pl.col("value_min").is_not_null() | pl.col("value_max").is_not_null())
        & pl.col("target_year").is_not_null()
    ).sort("target_year", "province_name")
    if rows.is_empty():
        return None
    years = rows["target_year"].unique().sort().to_list()
    fig = make_subplots(
        rows=1, cols=len(years), shared_yaxes=True, subplot_titles=[f"Năm mục tiêu {y}" for y in years]
    )
    top = 0.0
    for col, year in enumerate(years, start=1):
        year_rows = rows.filter(pl.col("target_year") == year)
        xs, ys, tips = [], [], []
        for r in year_rows.iter_rows(named=True):
            low = r["value_min"] if r["value_min"] is not None else r["value_max"]
            high = r["value_max"] if r["value_max"] is not None else r["value_min"]
            top = max(top, high, r["national_max"] or 0, r["national_min"] or 0)
            label = esc(province_label(r["province_key"], r["province_name"]))
            tip = spending_hover(r)
            xs += [label, label, None]
            ys += [low, high, None]
            tips += [tip, tip, None]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines+markers",
                line={"width": 14, "color": "#1f6fb2"},
                marker={"size": 16, "color": "#1f6fb2", "line": {"width": 2, "color": "white"}},
                name="Mục tiêu của tỉnh",
                legendgroup="province",
                showlegend=col == 1,
                customdata=tips,
                hovertemplate="%{customdata}<extra></extra>",
                connectgaps=False,
            ),
            row=1,
            col=col,
        )
        national_reference(fig, year_rows, col, first=col == 1)
    fig.update_yaxes(title_text="% GRDP", range=[0, top * 1.25 or 1], row=1, col=1)
    return base_layout(fig, height=480, legend={"orientation": "h", "y": -0.15})


def spending_hover(r: dict[str, Any]) -> str:
    money = ""
    if r.get("money_min_bn_vnd") is not None:
        low, high = fmt_num(r["money_min_bn_vnd"], 1), fmt_num(r.get("money_max_bn_vnd"), 1)
        amount = low if low == high or not high else f"{low}–{high}"
        money = f"Quy đổi: ≈ {amount} tỷ đồng (GRDP {esc(r.get('grdp_year'))}: {fmt_num(r.get('grdp_bn_vnd'), 0)} tỷ đồng)"
    national = ""
    if r.get("national_source_doc"):
        national = f"Quốc gia ({esc(r['national_source_doc'])}): {esc(COMPARISON.get(r.get('national_comparison'), ''))}"
    return hover(
        f"<b>{esc(province_label(r['province_key'], r.get('province_name')))}</b>"
        f" (nay thuộc {esc(r.get('successor_name'))})",
        f"Mục tiêu: {esc(value_text(r))} · năm {esc(r.get('target_year'))}",
        money,
        national,
        f"Văn bản: {esc(r.get('doc_number') or '(không số)')}",
        f"«{wrap(r.get('quote'))}»",
        "<i>R&amp;D / S&amp;T spending, % of GRDP</i>",
    )


# ---------------------------------------------------------------- IP and enterprises


def ip_charts(marts: Marts) -> list[tuple[str, str, str, go.Figure]]:
    """One bar chart per (target type, unit): numbers of different kinds never share an axis.

    Returns (target_type, unit, English type, figure) tuples.
    """
    rows = (
        matrix_cells(marts)
        .filter(
            pl.col("indicator_code").is_in(IP_INDICATORS)
            & (pl.col("status") == "stated")
            & (pl.col("value_min").is_not_null() | pl.col("value_max").is_not_null())
        )
        .with_columns(pl.col("target_type").fill_null("level"), pl.col("unit").fill_null(""))
    )
    order = {code: i for i, code in enumerate(TARGET_TYPE)}
    groups = sorted(
        rows.partition_by(["target_type", "unit"], as_dict=True).items(),
        key=lambda item: (order.get(item[0][0], 99), item[0][1]),
    )
    palette = dict(zip([k for k, _ in plan_provinces(marts)], cycle(PALETTE), strict=False))
    charts = []
    for (target_type, unit), group in groups:
        codes = group.sort("indicator_code")["indicator_code"].unique(maintain_order=True).to_list()
        names = dict(group.select("indicator_code", "indicator_name_vi").rows())
        labels = dict(zip(codes, unique_labels([wrap(short(names[c], 90), 34) for c in codes]), strict=True))
        fig = go.Figure()
        for (key,), part in group.sort("province_name").partition_by("province_key", as_dict=True).items():
            records = part.sort("indicator_code").to_dicts()
            highs = [r["value_max"] if r["value_max"] is not None else r["value_min"] for r in records]
            lows = [
                r["value_min"] if r["value_min"] is not None else h
                for r, h in zip(records, highs, strict=True)
            ]
            fig.add_trace(
                go.Bar(
                    y=[labels[r["indicator_code"]] for r in records],
                    x=highs,
                    orientation="h",
                    name=esc(province_label(key, part["province_name"][0])),
                    marker_color=palette.get(key, PALETTE[0]),
                    text=[esc(value_text(r)) for r in records],
                    textposition="outside",
                    cliponaxis=False,
                    error_x={
                        "type": "data",
                        "symmetric": False,
                        "array": [0] * len(records),
                        "arrayminus": [h - lo for h, lo in zip(highs, lows, strict=True)],
                        "visible": any(h != lo for h, lo in zip(highs, lows, strict=True)),
                    },
                    customdata=[ip_hover(r) for r in records],
                    hovertemplate="%{customdata}<extra></extra>",
                )
            )
        bars = len(codes) * group["province_key"].n_unique()
        fig.update_xaxes(title_text=esc(unit), rangemode="tozero")
        fig.update_yaxes(autorange="reversed")
        fig.update_layout(barmode="group", bargap=0.3, showlegend=True)
        base_layout(
            fig,
            height=150 + 34 * bars,
            legend={"orientation": "h", "y": -0.25},
            margin={"l": 10, "r": 90, "t": 20, "b": 10},
        )
        charts.append((target_type, unit, TARGET_TYPE.get(target_type, (target_type, target_type))[1], fig))
    return charts


def ip_hover(r: dict[str, Any]) -> str:
    kind_vi, kind_en = TARGET_TYPE.get(r.get("target_type") or "", (r.get("target_type"), ""))
    return hover(
        f"<b>{esc(province_label(r['province_key'], r.get('province_name')))}</b>",
        f"{esc(r.get('indicator_name_vi'))}",
        f"<i>{esc(r.get('indicator_name_en'))}</i>",
        f"Loại mục tiêu: {esc(kind_vi)} <i>({esc(kind_en)})</i>",
        f"Giá trị: {esc(r.get('cell_text') or value_text(r))}",
        f"Văn bản: {esc(r.get('doc_number') or '(không số)')} · mục {esc(r.get('section'))}",
        f"«{wrap(r.get('quote'))}»",
    )


# ---------------------------------------------------------------- policy alignment and themes


def alignment_heatmap(marts: Marts) -> go.Figure | None:
    """Provinces × the most-cited national and Party documents, coloured by times cited."""
    cited = marts.alignment.filter(pl.col("issuer_level").is_in(NATIONAL_LEVELS)).drop_nulls("canonical")
    if cited.is_empty():
        return None
    per_cell = cited.group_by("canonical", "province_key").agg(
        pl.col("occurrences").sum(),
        pl.col("first_quote").first(),
        pl.col("citing_doc_number").drop_nulls().unique().sort().str.join(", "),
    )
    docs = (
        cited.group_by("canonical")
        .agg(
            pl.col("province_key").n_unique().alias("provinces"),
            pl.col("occurrences").sum().alias("total"),
            pl.col("doc_type").first(),
            pl.col("issuer_level").first(),
            pl.col("issue_date").first(),
        )
        .sort(["provinces", "total", "canonical"], descending=[True, True, False])
        .head(TOP_CITED)
    )
    codes = [code for code, _ in plan_provinces(marts) if code in set(cited["province_key"])]
    columns = province_labels(marts, codes)
    cells = {(r["canonical"], r["province_key"]): r for r in per_cell.iter_rows(named=True)}
    z, custom = [], []
    for doc in docs.iter_rows(named=True):
        z_row, custom_row = [], []
        for code in codes:
            cell = cells.get((doc["canonical"], code))
            z_row.append(cell["occurrences"] if cell else None)
            custom_row.append(
                hover(
                    f"<b>{esc(doc['canonical'])}</b> · {esc(ISSUER_LEVEL.get(doc['issuer_level'], doc['issuer_level']))}",
                    doc["issue_date"] and f"Ngày ban hành: {doc['issue_date']:%d/%m/%Y}",
                    f"{columns[code]}: {cell['occurrences'] if cell else 0} lần dẫn"
                    + (
                        f" (kế hoạch {esc(cell['citing_doc_number'])})"
                        if cell and cell["citing_doc_number"]
                        else ""
                    ),
                    cell and f"«{wrap(cell['first_quote'])}»",
                    f"Số tỉnh dẫn: {doc['provinces']}",
                )
            )
        z.append(z_row)
        custom.append(custom_row)
    rows = unique_labels([esc(c) for c in docs["canonical"]])
    return _province_heatmap(z, custom, columns, rows, "%{z}", "Blues", "Số lần dẫn")


def themes_heatmap(marts: Marts) -> go.Figure | None:
    """Province × theme: share of the plan text that is about each theme."""
    themes = marts.themes.drop_nulls(["theme_code", "province_key"])
    if themes.is_empty():
        return None
    codes = [code for code, _ in plan_provinces(marts) if code in set(themes["province_key"])]
    columns = province_labels(marts, codes)
    order = (
        themes.group_by("theme_code")
        .agg(pl.col("text_share").fill_null(0).mean(), pl.col("theme_name_vi").first())
        .sort("text_share", descending=True)
    )
    cells = {(r["theme_code"], r["province_key"]): r for r in themes.iter_rows(named=True)}
    z, custom = [], []
    for theme in order.iter_rows(named=True):
        z_row, custom_row = [], []
        for code in codes:
            r = cells.get((theme["theme_code"], code))
            share = None if r is None or r["text_share"] is None else round(100 * r["text_share"], 1)
            z_row.append(share)
            custom_row.append(
                hover(
                    f"<b>{columns[code]}</b>",
                    f"<b>{esc(theme['theme_name_vi'])}</b>",
                    r and f"<i>{esc(r['theme_name_en'])}</i>",
                    f"Tỷ trọng nội dung: {fmt_num(share, 1) or 0}%",
                    r and f"Số lần nhắc: {r['mentions']} · số mục: {r['sections']}",
                    r and f"Kế hoạch có nhắc: {r['plans_mentioning']}/{r['plans']}",
                )
            )
        z.append(z_row)
        custom.append(custom_row)
    rows = unique_labels([esc(short(n, 50)) for n in order["theme_name_vi"]])
    texttemplate = "%{z:.1f}" if len(codes) <= 8 else None
    return _province_heatmap(z, custom, columns, rows, texttemplate, "YlOrRd", "% nội dung")


def _province_heatmap(
    z: list,
    custom: list,
    columns: dict,
    rows: list[str],
    texttemplate: str | None,
    colorscale: str,
    unit: str,
) -> go.Figure:
    """Rows (documents, themes) × province columns on top, one hover text per cell."""
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=list(columns.values()),
            y=rows,
            customdata=custom,
            hovertemplate="%{customdata}<extra></extra>",
            texttemplate=texttemplate,
            colorscale=colorscale,
            zmin=0,
            xgap=2,
            ygap=2,
            colorbar={"title": {"text": unit}, "thickness": 14},
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top", tickangle=0 if len(columns) <= 8 else -45, tickmode="linear", dtick=1)
    return base_layout(fig, height=150 + 26 * len(rows), margin={"l": 10, "r": 10, "t": 90, "b": 10})


def province_themes_bar(marts: Marts, code: str) -> go.Figure | None:
    rows = marts.themes.filter(pl.col("province_key") == code).drop_nulls("theme_code")
    if rows.is_empty():
        return None
    rows = rows.with_columns(pl.col("text_share").fill_null(0)).sort("text_share")
    fig = go.Figure(
        go.Bar(
            x=[round(100 * s, 1) for s in rows["text_share"]],
            y=unique_labels([esc(short(n, 50)) for n in rows["theme_name_vi"]]),
            orientation="h",
            marker_color="#ef6c00",
            customdata=[
                hover(
                    f"<b>{esc(r['theme_name_vi'])}</b>",
                    f"<i>{esc(r['theme_name_en'])}</i>",
                    f"Tỷ trọng: {fmt_num(100 * r['text_share'], 1)}% · nhắc {r['mentions']} lần",
                )
                for r in rows.iter_rows(named=True)
            ],
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    fig.update_xaxes(title_text="% nội dung kế hoạch", rangemode="tozero")
    return base_layout(fig, height=120 + 24 * rows.height)
