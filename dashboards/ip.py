"""The IP and S&T-enterprise charts: one bar chart per target type and unit, with the national
target of the same kind as a green mark."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import polars as pl

from dashboards.data import Marts, indicator_group, matrix_cells, plan_provinces, province_label
from dashboards.figures import IP_GROUP, MARK, base_layout, province_colour, review_line, unique_labels
from dashboards.html import Chart
from dashboards.national import context, indicator_reference, national_rows
from dashboards.text import COMPARISON, TARGET_TYPE, esc, hover, short, value_text, wrap


def ip_rows(marts: Marts) -> pl.DataFrame:
    return (
        matrix_cells(marts)
        .filter(
            pl.col("indicator_code").is_in(indicator_group(IP_GROUP))
            & (pl.col("status") == "stated")
            & (pl.col("value_min").is_not_null() | pl.col("value_max").is_not_null())
        )
        .with_columns(pl.col("target_type").fill_null("level"), pl.col("unit").fill_null(""))
    )


def ip_charts(marts: Marts) -> list[tuple[str, str, Chart]]:
    """One bar chart per (target type, unit): numbers of different kinds never share an axis.

    Returns (target_type, unit, chart); the national target of the same kind is a dashed line.
    """
    rows = ip_rows(marts)
    order = {code: i for i, code in enumerate(TARGET_TYPE)}
    groups = sorted(
        rows.partition_by(["target_type", "unit"], as_dict=True).items(),
        key=lambda item: (order.get(item[0][0], 99), item[0][1]),
    )
    charts = []
    for i, ((target_type, unit), group) in enumerate(groups):
        fig = ip_bars(marts, group)
        kind_vi, kind_en = TARGET_TYPE.get(target_type, (target_type, target_type))
        base_layout(
            fig,
            height=170 + 34 * group.height,
            title=f"{kind_vi} — đơn vị: {unit or 'không rõ'}",
            legend={"orientation": "h", "y": -0.25},
            margin={"l": 10, "r": 90, "t": 50, "b": 10},
        )
        data = group.select(
            "province_key",
            "province_name",
            "indicator_code",
            "indicator_name_vi",
            "target_type",
            "bound",
            "value_min",
            "value_max",
            "unit",
            "target_year",
            "doc_number",
            "quote",
        )
        en = {"title.text": esc(f"{kind_en} — unit: {unit or 'unknown'}"), "xaxis.title.text": esc(unit)}
        vi = {"title.text": fig.layout.title.text, "xaxis.title.text": esc(unit)}
        charts.append((target_type, unit, Chart(fig, f"ip-chart-{i}", data, en=en, vi=vi)))
    return charts


def province_bar(marts: Marts, key: str, records: list[dict[str, Any]], labels: dict[str, str]) -> go.Bar:
    """One province's targets as horizontal bars to the high end, a range's low end as an error bar."""
    highs = [r["value_max"] if r["value_max"] is not None else r["value_min"] for r in records]
    lows = [
        r["value_min"] if r["value_min"] is not None else hi for r, hi in zip(records, highs, strict=True)
    ]
    return go.Bar(
        y=[labels[r["indicator_code"]] for r in records],
        x=highs,
        orientation="h",
        name=esc(province_label(key, records[0]["province_name"])),
        marker_color=province_colour(key),
        text=[esc(value_text(r)) + MARK.get(context(marts, r).code or "", "") for r in records],
        textposition="outside",
        cliponaxis=False,
        error_x={
            "type": "data",
            "symmetric": False,
            "array": [0] * len(records),
            "arrayminus": [hi - lo for hi, lo in zip(highs, lows, strict=True)],
            "visible": any(hi != lo for hi, lo in zip(highs, lows, strict=True)),
        },
        customdata=[ip_hover(marts, r) for r in records],
        hovertemplate="%{customdata}<extra></extra>",
    )


def national_marks(marts: Marts, code: str, first: dict[str, Any], label: str) -> list[go.Scatter]:
    """The national targets of an indicator with the chart's type and unit, as green marks."""
    return [
        go.Scatter(
            x=[n["value_min"]],
            y=[label],
            mode="markers+text",
            marker={"symbol": "line-ns-open", "size": 26, "color": "#2e7d32", "line": {"width": 3}},
            text=[f"quốc gia {n['target_year']}"],
            textposition="top center",
            textfont={"size": 10, "color": "#2e7d32"},
            name="Chỉ tiêu quốc gia",
            legendgroup="national",
            showlegend=False,
            customdata=[esc(indicator_reference(marts, code))],
            hovertemplate="%{customdata}<extra></extra>",
        )
        for n in national_rows(marts, code)
        if n["target_type"] == first["target_type"]
        and n["unit"] == first["unit"]
        and n["value_min"] is not None
    ]


def ip_bars(marts: Marts, group: pl.DataFrame) -> go.Figure:
    """Grouped bars of one target type and unit: one bar series per province, national marks."""
    codes = group.sort("indicator_code")["indicator_code"].unique(maintain_order=True).to_list()
    names = dict(group.select("indicator_code", "indicator_name_vi").rows())
    labels = dict(zip(codes, unique_labels([wrap(short(names[c], 90), 34) for c in codes]), strict=True))
    fig = go.Figure()
    provinces = [k for k, _ in plan_provinces(marts) if k in set(group["province_key"])]
    for key in provinces:
        records = group.filter(pl.col("province_key") == key).sort("indicator_code").to_dicts()
        fig.add_trace(province_bar(marts, key, records, labels))
    first = group.row(0, named=True)
    for code in codes:
        for mark in national_marks(marts, code, first, labels[code]):
            fig.add_trace(mark)
    fig.update_xaxes(title_text=esc(first["unit"]), rangemode="tozero")
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(barmode="group", bargap=0.3, showlegend=True)
    return fig


def ip_hover(marts: Marts, r: dict[str, Any]) -> str:
    kind_vi, kind_en = TARGET_TYPE.get(r.get("target_type") or "", (r.get("target_type"), ""))
    ref = context(marts, r)
    return hover(
        f"<b>{esc(province_label(r['province_key'], r.get('province_name')))}</b>",
        f"{esc(r.get('indicator_name_vi'))}",
        f"<i>{esc(r.get('indicator_name_en'))}</i>",
        f"Loại chỉ tiêu: {esc(kind_vi)} <i>({esc(kind_en)})</i>",
        f"Giá trị: {esc(value_text(r))} · năm {esc(r.get('target_year'))}",
        ref.text and esc(ref.text) + (f" → {COMPARISON[ref.code][0]}" if ref.code in MARK else ""),
        review_line(r),
        f"Văn bản: {esc(r.get('doc_number') or '(không số)')} · mục {esc(r.get('section'))}",
        f"«{wrap(r.get('quote'))}»",
    )
