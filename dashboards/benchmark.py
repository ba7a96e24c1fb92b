"""Benchmarking: rankings of comparable targets, region averages, the 2025 roll-up, actual figures.

Targets are comparable only within one indicator, target type, unit and target year. The marts
have no ranking mart yet, so the ranking and the region averages are computed here from
mart_indicator_comparison (the newest plan's target per province) and dim_province (the six
regions of NQ81/2023/QH15). A range counts by its midpoint; the rank is "higher first".
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboards.data import Marts, page_name, province_label
from dashboards.figures import base_layout, province_colour
from dashboards.html import Chart, Row, comparison_badge, figure, layout, link, t, table
from dashboards.national import context, indicator_reference
from dashboards.text import TARGET_TYPE, esc, fmt_num, hover, value_text, vi_key

GROUP = ["indicator_code", "target_type", "unit", "target_year"]


def comparable(marts: Marts) -> pl.DataFrame:
    """One numeric target per province and comparable group (the newest plan's), with its region."""
    regions = marts.provinces.select("province_code", "region")
    names = marts.indicators.select("indicator_code", pl.col("name_vi").alias("indicator_name_vi"))
    rows = (
        marts.comparison.filter(~pl.col("qualitative").fill_null(False) & pl.col("value_min").is_not_null())
        .filter(pl.col("indicator_code") != "other")
        .with_columns(pl.col("target_type").fill_null("level"))
        .sort("is_newest", descending=True, nulls_last=True)
        .unique([*GROUP, "province_key"], keep="first", maintain_order=True)
        .with_columns(
            ((pl.col("value_min") + pl.col("value_max").fill_null(pl.col("value_min"))) / 2).alias("value")
        )
        .join(regions, on="province_code", how="left")
        .join(names, on="indicator_code", how="left")
        .with_columns(
            pl.when(pl.col("province_key").str.ends_with("/2025"))
            .then(pl.lit("(đơn vị từ 7/2025)"))
            .otherwise(pl.col("region").fill_null("không rõ"))
            .alias("region")
        )
    )
    return rows.with_columns(
        pl.col("value").rank("min", descending=True).over(GROUP).cast(pl.Int64).alias("rank"),
        pl.col("province_key").n_unique().over(GROUP).alias("provinces_in_group"),
    )


def region_averages(rows: pl.DataFrame) -> pl.DataFrame:
    """Mean target (by midpoint) per comparable group and region, with how many provinces."""
    return (
        rows.group_by([*GROUP, "region"])
        .agg(
            pl.col("value").mean().alias("region_mean"), pl.col("province_key").n_unique().alias("provinces")
        )
        .sort([*GROUP, "region"])
    )


def group_title(row: dict) -> str:
    kind = TARGET_TYPE.get(row["target_type"], (row["target_type"],))[0]
    return f"{row.get('indicator_name_vi') or row['indicator_code']} — {kind.lower()}, {row['unit'] or 'không rõ đơn vị'}, năm {row['target_year']}"


def ranking_chart(marts: Marts, group: pl.DataFrame, i: int) -> Chart:
    """Horizontal bars, highest first, the national target of the same year as a line."""
    group = group.sort(["rank", "province_name"])
    first = group.row(0, named=True)
    labels = [esc(province_label(k, n)) for k, n in group.select("province_key", "province_name").rows()]
    fig = go.Figure(
        go.Bar(
            x=group["value"].to_list(),
            y=labels,
            orientation="h",
            marker_color=[province_colour(k) for k in group["province_key"]],
            text=[esc(value_text(r)) for r in group.iter_rows(named=True)],
            textposition="outside",
            cliponaxis=False,
            customdata=[
                hover(
                    f"<b>{label}</b>",
                    f"Hạng {r['rank']}/{r['provinces_in_group']} · {esc(r['region'])}",
                    esc(value_text(r)),
                    esc(context(marts, r).text),
                )
                for label, r in zip(labels, group.iter_rows(named=True), strict=True)
            ],
            hovertemplate="%{customdata}<extra></extra>",
            showlegend=False,
        )
    )
    ref = context(marts, first)
    if ref.code in ("above", "within", "below") and first.get("national_min") is not None:
        fig.add_vline(
            x=first["national_min"],
            line_dash="dash",
            line_color="#2e7d32",
            annotation_text=esc(ref.text),
            annotation_position="top right",
        )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=esc(first["unit"]), rangemode="tozero")
    title = group_title(first)
    base_layout(fig, height=160 + 34 * group.height, title=title, margin={"l": 10, "r": 90, "t": 60, "b": 10})
    return Chart(
        fig,
        f"ranking-{i}",
        group.select(
            "rank",
            "province_key",
            "province_name",
            "region",
            "value_min",
            "value_max",
            "value",
            "unit",
            "target_year",
            "doc_number",
        ),
        en={
            "title.text": esc(
                f"{first['indicator_code']} — {first['target_type']}, {first['unit']}, {first['target_year']}"
            )
        },
        vi={"title.text": esc(title)},
    )


def ranking_table(marts: Marts, group: pl.DataFrame, averages: pl.DataFrame) -> str:
    """Rank, province, region, target, against the national target; then region averages."""
    first = group.row(0, named=True)
    rows: list = []
    reference = indicator_reference(marts, first["indicator_code"])
    if reference:
        rows.append(
            Row([t("—", "—"), t("Chỉ tiêu quốc gia", "National target"), "", reference, ""], "national")
        )
    for r in group.sort(["rank", "province_name"]).iter_rows(named=True):
        ref = context(marts, r)
        rows.append(
            [
                r["rank"],
                link(page_name(r["province_key"]), province_label(r["province_key"], r["province_name"])),
                r["region"],
                value_text(r),
                comparison_badge(ref.code, ref.text if ref.code not in ("above", "within", "below") else ""),
            ]
        )
    mine = averages.filter(*[pl.col(c) == first[c] for c in GROUP])
    for a in mine.iter_rows(named=True):
        rows.append(
            Row(
                [
                    "",
                    t("Bình quân vùng", "Region average"),
                    a["region"],
                    f"{fmt_num(a['region_mean'])} {first['unit'] or ''} ({a['provinces']} tỉnh)",
                    "",
                ]
            )
        )
    headers = [
        t("Hạng", "Rank"),
        t("Tỉnh", "Province"),
        t("Vùng", "Region"),
        t("Chỉ tiêu", "Target"),
        t("So với chỉ tiêu quốc gia", "Against the national target"),
    ]
    return table(headers, rows, numeric=[0])


def rollup_table(marts: Marts) -> str:
    """Per 2025 unit: the targets of every old province (or the unit's own plans) it is made of."""
    cells = marts.matrix.filter((pl.col("status") == "stated") & (pl.col("indicator_code") != "other"))
    units = marts.provinces_2025.select(
        pl.col("province_code").alias("successor_code"), pl.col("province_name").alias("unit_name")
    )
    cells = cells.join(units, on="successor_code", how="left").sort(
        "is_newest", descending=True, nulls_last=True
    )
    cells = cells.unique(["province_key", "indicator_code"], keep="first", maintain_order=True)
    rows = []
    for (code, indicator), part in sorted(
        cells.partition_by(["successor_code", "indicator_code"], as_dict=True).items(),
        key=lambda kv: (vi_key(kv[1]["unit_name"][0] or ""), kv[0][1] or ""),
    ):
        members = "; ".join(
            f"{province_label(r['province_key'], r['province_name'])}: {value_text(r)} ({r['target_year'] or '?'})"
            for r in part.sort("province_name").iter_rows(named=True)
        )
        first = part.row(0, named=True)
        rows.append(
            [
                first["unit_name"] or code,
                first["indicator_name_vi"],
                part["province_key"].n_unique(),
                members,
                indicator_reference(marts, indicator),
            ]
        )
    headers = [
        t("Đơn vị từ 7/2025", "Unit from 7/2025"),
        t("Chỉ tiêu", "Indicator"),
        t("Số tỉnh cũ có kế hoạch", "Former provinces with plans"),
        t("Chỉ tiêu của từng tỉnh cũ", "Each former province's target"),
        t("Chỉ tiêu quốc gia", "National target"),
    ]
    return table(headers, rows, numeric=[2])


def actuals_table(marts: Marts) -> str:
    """Sourced statistics beside the commitments: GRDP where the reference data has it."""
    grdp = (
        marts.comparison.drop_nulls("grdp_bn_vnd").unique("province_key", keep="first").sort("province_name")
    )
    rows = [
        [
            link(page_name(r["province_key"]), province_label(r["province_key"], r["province_name"])),
            r["grdp_year"],
            fmt_num(r["grdp_bn_vnd"], 0),
            r.get("grdp_source") or "",
        ]
        for r in grdp.iter_rows(named=True)
    ]
    headers = [
        t("Tỉnh", "Province"),
        t("Năm", "Year"),
        t("GRDP (tỷ đồng, giá hiện hành)", "GRDP (bn VND, current prices)"),
        t("Nguồn", "Source"),
    ]
    return table(headers, rows, numeric=[1, 2])


def benchmark_page(marts: Marts, files: dict[str, str]) -> str:
    rows = comparable(marts)
    averages = region_averages(rows)
    sections = []
    groups = sorted(
        rows.partition_by(GROUP, as_dict=True).values(),
        key=lambda g: (-g.height, g["indicator_code"][0], g["target_year"][0]),
    )
    for i, group in enumerate(groups):
        chart = figure(ranking_chart(marts, group, i), files) if group.height >= 2 else ""
        sections.append(
            f"<h3>{esc(group_title(group.row(0, named=True)))}</h3>{chart}{ranking_table(marts, group, averages)}"
        )
    if not rows.is_empty():
        files["data/ranking.csv"] = (
            "\ufeff"
            + rows.select(
                "indicator_code",
                "indicator_name_vi",
                "target_type",
                "unit",
                "target_year",
                "rank",
                "provinces_in_group",
                "province_key",
                "province_name",
                "region",
                "value_min",
                "value_max",
                "value",
                "doc_number",
            )
            .sort([*GROUP, "rank"])
            .write_csv()
        )
        files["data/region-averages.csv"] = "\ufeff" + averages.write_csv()
    downloads = (
        (
            f'<p class="downloads"><a href="data/ranking.csv" download>{t("Tải bảng xếp hạng (CSV)", "Download the rankings (CSV)")}</a> · '
            f'<a href="data/region-averages.csv" download>{t("Tải bình quân vùng (CSV)", "Download region averages (CSV)")}</a></p>'
        )
        if not rows.is_empty()
        else ""
    )
    body = f"""
<p class="note">{
        t(
            "Chỉ so sánh các chỉ tiêu cùng chỉ tiêu, cùng loại, cùng đơn vị và cùng năm mục tiêu. Khoảng giá trị được tính theo điểm giữa; hạng 1 là mức cao nhất. Bình quân vùng theo sáu vùng kinh tế - xã hội (NQ 81/2023/QH15).",
            "Only targets of the same indicator, type, unit and target year are compared. A range counts by its midpoint; rank 1 is the highest. Region averages use the six socio-economic regions.",
        )
    }</p>
{downloads}
{"".join(sections) or f'<p class="empty">{t("Chưa có dữ liệu", "No data yet")}</p>'}
<h2>{t("Gộp theo đơn vị hành chính từ 1/7/2025", "Rolled up to the units from 1 July 2025")}</h2>
<p class="note">{
        t(
            "Mỗi đơn vị mới là hợp nhất của các tỉnh cũ; bảng đặt chỉ tiêu của từng tỉnh cũ cạnh nhau.",
            "Each new unit is a union of former provinces; their targets side by side.",
        )
    }</p>
{rollup_table(marts)}
<h2>{t("Số liệu thực tế có nguồn", "Sourced actual figures")}</h2>
<p class="note">{
        t(
            "Chỉ hiện số liệu có nguồn trong kho (thư mục data/raw/reference). Chỉ số PII chưa có trong kho theo mã tỉnh nên chưa hiện.",
            "Only statistics with a source in the warehouse. PII scores are not yet in the warehouse by province code, so they are not shown.",
        )
    }</p>
{actuals_table(marts)}
"""
    return layout(
        marts, "benchmark.html", ("Xếp hạng và so sánh giữa các tỉnh", "Rankings and benchmarks"), body
    )
