"""Benchmarking: rankings of comparable targets, region averages, the 2025 roll-up, actual figures.

Targets are comparable only within one indicator, target type, unit and target year. The
rankings, region averages and the 2025 roll-up come from the marts mart_indicator_ranking,
mart_region_benchmark and mart_unit_2025_rollup (with PII and GRDP beside the commitments).
For marts built before those existed, the same figures are computed here from
mart_indicator_comparison and dim_province (a range counts by its midpoint; rank 1 is highest).
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboards.data import Marts, page_name, province_label, vi_order
from dashboards.figures import base_layout, province_colour
from dashboards.html import Chart, Row, comparison_badge, csv_text, figure, layout, link, t, table
from dashboards.national import context, indicator_reference
from dashboards.text import TARGET_TYPE, esc, fmt_num, hover, value_text
from pipelines.text.vietnamese import collation_key

GROUP = ["indicator_code", "target_type", "unit", "target_year"]


def comparable(marts: Marts) -> pl.DataFrame:
    """One numeric target per province and comparable group, with its rank and region."""
    if not marts.ranking.is_empty():
        return marts.ranking.rename(
            {"provinces_compared": "provinces_in_group", "rank_value": "value"}
        ).with_columns(pl.col("target_type").fill_null("level"), pl.col("region").fill_null("không rõ"))
    return computed_ranking(marts)


def computed_ranking(marts: Marts) -> pl.DataFrame:
    """The fallback ranking: the newest plan's target per province and group, ranked here."""
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


def region_averages(marts: Marts, rows: pl.DataFrame) -> pl.DataFrame:
    """Mean target (by midpoint) per comparable group and region, with how many provinces."""
    if not marts.region_benchmark.is_empty():
        return marts.region_benchmark.rename(
            {"region_avg": "region_mean", "provinces_stating": "provinces"}
        ).with_columns(pl.col("target_type").fill_null("level"))
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


def group_title_en(marts: Marts, row: dict) -> str:
    """The English title of a comparable group: indicator, kind, unit, year (no codes)."""
    names = dict(marts.indicators.select("indicator_code", "name_en").rows())
    kind = TARGET_TYPE.get(row["target_type"], (row["target_type"], row["target_type"]))[1]
    return f"{names.get(row['indicator_code']) or row.get('indicator_name_vi')} — {kind.lower()}, {row['unit'] or ''}, {row['target_year']}"


def ranking_chart(marts: Marts, group: pl.DataFrame, i: int) -> Chart:
    """Horizontal bars, highest first, the national target of the same year as a line."""
    group = vi_order(group).sort(["rank", "_vi"])
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
        en={"title.text": esc(group_title_en(marts, first))},
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
    for r in vi_order(group).sort(["rank", "_vi"]).iter_rows(named=True):
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
                    f"{value_text({**first, 'value_text_vi': None, 'bound': None, 'value_min': a['region_mean'], 'value_max': a['region_mean']})} ({a['provinces']} tỉnh)",
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
    """Per 2025 unit: the targets of every old province it is made of (the roll-up mart's text)."""
    if marts.rollup.is_empty():
        return computed_rollup(marts)
    rows = [
        [
            r["successor_name"],
            r["indicator_name_vi"],
            f"{r['provinces_stating']}/{r['members_total']}",
            r["member_targets_vi"],
            r["national_same_year_vi"] or indicator_reference(marts, r["indicator_code"]),
            pii_text(r.get("unit_pii_edition"), r.get("unit_pii_rank"), r.get("unit_pii_score")),
        ]
        for r in sorted(
            marts.rollup.iter_rows(named=True),
            key=lambda r: (collation_key(r["successor_name"]), r["indicator_code"] or ""),
        )
    ]
    headers = [
        t("Đơn vị từ 7/2025", "Unit from 7/2025"),
        t("Chỉ tiêu", "Indicator"),
        t("Tỉnh cũ có nêu / số tỉnh cũ", "Former provinces stating / members"),
        t("Chỉ tiêu của từng tỉnh cũ", "Each former province's target"),
        t("Chỉ tiêu quốc gia", "National target"),
        t("PII của đơn vị", "Unit's PII"),
    ]
    return table(headers, rows, optional=[5])


def pii_text(edition: int | None, rank: int | None, score: float | None) -> str:
    """'PII 2025: hạng 4, 58,09 điểm' where the reference data has it, '' otherwise."""
    if edition is None or (rank is None and score is None):
        return ""
    parts = [
        f"hạng {rank}" if rank is not None else "",
        f"{fmt_num(score)} điểm" if score is not None else "",
    ]
    return f"PII {edition}: " + ", ".join(p for p in parts if p)


def computed_rollup(marts: Marts) -> str:
    """The fallback roll-up table, from the matrix mart."""
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
        key=lambda kv: (collation_key(kv[1]["unit_name"][0] or ""), kv[0][1] or ""),
    ):
        members = "; ".join(
            f"{province_label(r['province_key'], r['province_name'])}: {value_text(r)} ({r['target_year'] or '?'})"
            for r in vi_order(part).sort("_vi").iter_rows(named=True)
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
    """Sourced statistics beside the commitments: PII score and rank, GRDP, where the data has them."""
    source = marts.ranking if not marts.ranking.is_empty() else marts.comparison
    cols = [c for c in ("pii_edition", "pii_rank", "pii_score", "pii_source_url") if c in source.columns]
    facts = source.unique("province_key", keep="first", maintain_order=True).with_columns(
        [pl.lit(None).alias(c) for c in ("pii_edition", "pii_rank", "pii_score") if c not in cols]
    )
    rows = [
        [
            link(page_name(r["province_key"]), province_label(r["province_key"], r["province_name"])),
            pii_text(r["pii_edition"], r["pii_rank"], r["pii_score"]),
            f"{fmt_num(r['grdp_bn_vnd'], 0)} ({r['grdp_year']})" if r.get("grdp_bn_vnd") is not None else "",
            "; ".join(x for x in (r.get("pii_source_url"), r.get("grdp_source")) if x),
        ]
        for r in sorted(
            facts.iter_rows(named=True), key=lambda r: (collation_key(r["province_name"]), r["province_key"])
        )
        if r.get("grdp_bn_vnd") is not None or r.get("pii_edition") is not None
    ]
    headers = [
        t("Tỉnh", "Province"),
        t("Chỉ số đổi mới sáng tạo cấp tỉnh (PII)", "Provincial Innovation Index (PII)"),
        t("GRDP, tỷ đồng giá hiện hành (năm)", "GRDP, bn VND current prices (year)"),
        t("Nguồn", "Source"),
    ]
    return table(headers, rows, numeric=[2])


RANKING_COLUMNS = (
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


def ranking_sections(
    marts: Marts, rows: pl.DataFrame, averages: pl.DataFrame, files: dict[str, str]
) -> list[str]:
    """One section per comparable group, the largest first: its title, chart (two provinces or
    more) and table."""
    groups = sorted(
        rows.partition_by(GROUP, as_dict=True).values(),
        key=lambda g: (-g.height, g["indicator_code"][0], g["target_year"][0]),
    )
    sections = []
    for i, group in enumerate(groups):
        chart = figure(ranking_chart(marts, group, i), files) if group.height >= 2 else ""
        sections.append(
            f"<h3>{esc(group_title(group.row(0, named=True)))}</h3>{chart}{ranking_table(marts, group, averages)}"
        )
    return sections


def ranking_downloads(rows: pl.DataFrame, averages: pl.DataFrame, files: dict[str, str]) -> str:
    """The rankings and region averages as CSV files beside the page, and the links to them."""
    if rows.is_empty():
        return ""
    files["data/ranking.csv"] = csv_text(rows.select(RANKING_COLUMNS).sort([*GROUP, "rank"]))
    files["data/region-averages.csv"] = csv_text(averages)
    return (
        f'<p class="downloads"><a href="data/ranking.csv" download>{t("Tải bảng xếp hạng (CSV)", "Download the rankings (CSV)")}</a> · '
        f'<a href="data/region-averages.csv" download>{t("Tải bình quân vùng (CSV)", "Download region averages (CSV)")}</a></p>'
    )


def benchmark_page(marts: Marts, files: dict[str, str]) -> str:
    """Rankings per comparable group, the 2025 roll-up and the sourced actual figures."""
    rows = comparable(marts)
    averages = region_averages(marts, rows)
    sections = ranking_sections(marts, rows, averages, files)
    downloads = ranking_downloads(rows, averages, files)
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
            "Chỉ hiện số liệu đã công bố, có nguồn trong kho (PII của Bộ KH&CN, GRDP); ô trống là chưa có số liệu có nguồn, không phải số 0.",
            "Only published figures with a source in the warehouse (PII, GRDP); a blank is no sourced figure, not a zero.",
        )
    }</p>
{actuals_table(marts)}
"""
    return layout(
        marts, "benchmark.html", ("Xếp hạng và so sánh giữa các tỉnh", "Rankings and benchmarks"), body
    )
