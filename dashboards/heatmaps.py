"""Province-column heatmaps: national documents cited, and themes; plus a province's theme bar.

The theme measure is the share of a province's plan text that lies in paragraphs mentioning the
theme. One paragraph can mention several themes, so the shares of one province add up to more
than 100 %: the label says "% văn bản ở đoạn có nhắc", never "% nội dung".
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboards.data import Marts, plan_provinces
from dashboards.figures import NATIONAL_LEVELS, TOP_CITED, base_layout, province_labels, unique_labels
from dashboards.html import Chart
from dashboards.text import CITATION_TIER, esc, fmt_num, hover, short, wrap

THEME_MEASURE_VI = "% văn bản ở đoạn có nhắc"
THEME_MEASURE_EN = "% of text in paragraphs mentioning it"


THEME_DATA_COLUMNS = (
    "province_key",
    "province_name",
    "theme_code",
    "theme_name_vi",
    "mentions",
    "sections",
    "plans_mentioning",
    "plans",
    "text_share",
)


def citations_per_cell(cited: pl.DataFrame) -> pl.DataFrame:
    """Per (national document, province): times cited, the first quote and the citing plans."""
    return cited.group_by("canonical", "province_key").agg(
        pl.col("occurrences").sum(),
        pl.col("first_quote").first(),
        pl.col("citing_doc_number").drop_nulls().unique().sort().str.join(", "),
    )


def most_cited(cited: pl.DataFrame) -> pl.DataFrame:
    """The national documents cited by the most provinces (then most often), at most TOP_CITED."""
    return (
        cited.group_by("canonical")
        .agg(
            pl.col("province_key").n_unique().alias("provinces"),
            pl.col("occurrences").sum().alias("total"),
            pl.col("citation_tier").first(),
            pl.col("issue_date").first(),
        )
        .sort(["provinces", "total", "canonical"], descending=[True, True, False])
        .head(TOP_CITED)
    )


def citation_hover(doc: dict, cell: dict | None, province: str) -> str:
    """The hover of one cell: the document, its issuer and date, how often this province cites it."""
    plan = f" (kế hoạch {esc(cell['citing_doc_number'])})" if cell and cell["citing_doc_number"] else ""
    return hover(
        f"<b>{esc(doc['canonical'])}</b> · {esc(CITATION_TIER.get(doc['citation_tier'], doc['citation_tier']))}",
        doc["issue_date"] and f"Ngày ban hành: {doc['issue_date']:%d/%m/%Y}",
        f"{province}: {cell['occurrences'] if cell else 0} lần dẫn{plan}",
        cell and f"«{wrap(cell['first_quote'])}»",
        f"Số tỉnh dẫn: {doc['provinces']}",
    )


def alignment_heatmap(marts: Marts) -> Chart:
    """Provinces × the most-cited national and Party documents, coloured by times cited."""
    cited = marts.alignment.filter(pl.col("citation_tier").is_in(NATIONAL_LEVELS)).drop_nulls("canonical")
    if cited.is_empty():
        return Chart(None, "alignment-heatmap")
    per_cell = citations_per_cell(cited)
    docs = most_cited(cited)
    codes = [code for code, _ in plan_provinces(marts) if code in set(cited["province_key"])]
    columns = province_labels(marts, codes)
    cells = {(r["canonical"], r["province_key"]): r for r in per_cell.iter_rows(named=True)}
    z, custom = [], []
    for doc in docs.iter_rows(named=True):
        row = [cells.get((doc["canonical"], code)) for code in codes]
        z.append([cell["occurrences"] if cell else None for cell in row])
        custom.append(
            [citation_hover(doc, cell, columns[code]) for code, cell in zip(codes, row, strict=True)]
        )
    rows = unique_labels([esc(c) for c in docs["canonical"]])
    fig = province_heatmap(z, custom, columns, rows, "%{z}", "Blues", "Số lần dẫn")
    base_layout(
        fig,
        fig.layout.height,
        title="Văn bản Trung ương được kế hoạch tỉnh dẫn nhiều nhất",
        margin={"l": 10, "r": 10, "t": 110, "b": 10},
    )
    data = per_cell.join(docs.select("canonical", "citation_tier", "provinces"), on="canonical").sort(
        "canonical", "province_key"
    )
    return Chart(
        fig,
        "alignment-heatmap",
        data,
        en={"title.text": "National documents the provincial plans cite most"},
        vi={"title.text": fig.layout.title.text},
        traces_en=[([0], {"colorbar.title.text": "Times cited"})],
        traces_vi=[([0], {"colorbar.title.text": "Số lần dẫn"})],
    )


def theme_order(themes: pl.DataFrame) -> pl.DataFrame:
    """Themes by their mean share across provinces, the largest first."""
    return (
        themes.group_by("theme_code")
        .agg(pl.col("text_share").fill_null(0).mean(), pl.col("theme_name_vi").first())
        .sort(["text_share", "theme_code"], descending=[True, False])
    )


def theme_cell(theme: dict, r: dict | None, province: str) -> tuple[float | None, str]:
    """(share in %, hover) of one province × theme cell; None where the province has no figure."""
    share = None if r is None or r["text_share"] is None else round(100 * r["text_share"], 1)
    tip = hover(
        f"<b>{province}</b>",
        f"<b>{esc(theme['theme_name_vi'])}</b>",
        r and f"<i>{esc(r['theme_name_en'])}</i>",
        f"{THEME_MEASURE_VI}: {fmt_num(share, 1) or 0}%",
        r and f"Số lần nhắc: {r['mentions']} · số mục: {r['sections']}",
        r and f"Kế hoạch có nhắc: {r['plans_mentioning']}/{r['plans']}",
    )
    return share, tip


def themes_heatmap(marts: Marts) -> Chart:
    """Province × theme: share of the plans' text in paragraphs that mention each theme."""
    themes = marts.themes.drop_nulls(["theme_code", "province_key"])
    if themes.is_empty():
        return Chart(None, "themes-heatmap")
    codes = [code for code, _ in plan_provinces(marts) if code in set(themes["province_key"])]
    columns = province_labels(marts, codes)
    order = theme_order(themes)
    cells = {(r["theme_code"], r["province_key"]): r for r in themes.iter_rows(named=True)}
    z, custom = [], []
    for theme in order.iter_rows(named=True):
        row = [theme_cell(theme, cells.get((theme["theme_code"], code)), columns[code]) for code in codes]
        z.append([share for share, _ in row])
        custom.append([tip for _, tip in row])
    rows = unique_labels([esc(short(n, 50)) for n in order["theme_name_vi"]])
    texttemplate = "%{z:.1f}" if len(codes) <= 8 else None
    fig = province_heatmap(
        z, custom, columns, rows, texttemplate, "YlOrRd", THEME_MEASURE_VI.replace(" ở", "<br>ở")
    )
    base_layout(
        fig,
        fig.layout.height,
        title="Chủ đề trong kế hoạch: tỷ lệ văn bản ở các đoạn có nhắc chủ đề",
        margin={"l": 10, "r": 10, "t": 110, "b": 10},
    )
    return Chart(
        fig,
        "themes-heatmap",
        themes.select(THEME_DATA_COLUMNS),
        en={"title.text": "Themes: share of the plan text in paragraphs mentioning each theme"},
        vi={"title.text": fig.layout.title.text},
        traces_en=[([0], {"colorbar.title.text": THEME_MEASURE_EN.replace(" in", "<br>in")})],
        traces_vi=[([0], {"colorbar.title.text": THEME_MEASURE_VI.replace(" ở", "<br>ở")})],
    )


def province_heatmap(
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
    return base_layout(fig, height=170 + 26 * len(rows), margin={"l": 10, "r": 10, "t": 90, "b": 10})


def province_themes_bar(marts: Marts, code: str, div_id: str) -> Chart:
    rows = marts.themes.filter(pl.col("province_key") == code).drop_nulls("theme_code")
    if rows.is_empty():
        return Chart(None, div_id)
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
                    f"{THEME_MEASURE_VI}: {fmt_num(100 * r['text_share'], 1)}% · nhắc {r['mentions']} lần",
                )
                for r in rows.iter_rows(named=True)
            ],
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    fig.update_xaxes(title_text=THEME_MEASURE_VI, rangemode="tozero")
    base_layout(fig, height=140 + 24 * rows.height, title="Chủ đề trong kế hoạch của tỉnh")
    data = rows.select("theme_code", "theme_name_vi", "mentions", "sections", "text_share")
    return Chart(
        fig,
        div_id,
        data,
        en={"title.text": "Themes in the province's plans", "xaxis.title.text": THEME_MEASURE_EN},
        vi={"title.text": "Chủ đề trong kế hoạch của tỉnh", "xaxis.title.text": THEME_MEASURE_VI},
    )
