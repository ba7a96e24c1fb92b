"""The analysts' dashboards: a static site built from the mart Parquet files.

Everything opens offline: the overview page carries plotly.js inline (it can be sent as a
single e-mail attachment), province pages are plain HTML. Every string that comes from a
plan (titles, quotes, labels, names) is HTML-escaped wherever it is shown, in tables and
in chart hover text alike.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import shutil
import tempfile
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

MARTS = (
    "mart_indicator_matrix",
    "mart_indicator_comparison",
    "mart_policy_alignment",
    "mart_theme_coverage",
    "mart_province_profile",
    "dim_document",
    "dim_province",
    "fct_indicator_target",
    "fct_citation",
)
IP_AND_ENTERPRISES = (
    "patent_applications",
    "trademark_applications",
    "ip_applications",
    "ip_grants",
    "ip_collective_cert_marks",
    "ip_marks_supported",
    "st_enterprises",
    "innovative_startups",
)
TYPE_VI = {
    "level": "Mức cần đạt",
    "increase_by": "Tăng thêm",
    "multiply_by": "Gấp … lần",
    "annual_growth_pct": "Tăng %/năm",
}
NO_DATA = "<p class='empty'>Chưa có dữ liệu.</p>"
ERROR_PROBE = (
    "<script>window.__jsErrors=[];window.addEventListener('error',function(e){window.__jsErrors.push(String(e.message));"
    "document.documentElement.setAttribute('data-js-errors',window.__jsErrors.join(' | '));});</script>"
)
STYLE = """
body{font-family:'Segoe UI',Roboto,Arial,sans-serif;margin:24px;color:#1f2933;max-width:1300px}
h1{font-size:24px}h2{font-size:19px;margin-top:32px;border-bottom:1px solid #d9e2ec;padding-bottom:4px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}td,th{border:1px solid #d9e2ec;padding:4px 6px;vertical-align:top}
th{background:#eef4fb;text-align:left}.quote{font-style:italic;color:#334e68;max-width:520px}
nav a{margin-right:10px}.empty{color:#829ab1}.note{color:#52606d;font-size:13px}
"""


def province_label(key: str, name: str) -> str:
    """ "Tây Ninh" (before July 2025) or "Tây Ninh (từ 7/2025)": codes and names were reused in 2025."""
    return f"{name} (từ 7/2025)" if key.endswith("/2025") else name


def esc(value: object) -> str:
    """Text from documents, made safe for HTML (tables and plotly hover text alike)."""
    return html.escape("" if value is None else str(value), quote=True)


def load_marts(marts_dir: Path) -> dict[str, pl.DataFrame]:
    return {
        name: pl.read_parquet(p) if (p := marts_dir / f"{name}.parquet").exists() else pl.DataFrame()
        for name in MARTS
    }


# --------------------------------------------------------------------------- figures


def matrix_figure(matrix: pl.DataFrame) -> go.Figure | None:
    """Provinces × indicators, stated or not; hover shows the target, its year and its quote."""
    if matrix.is_empty():
        return None
    cells = (
        matrix.sort("is_newest", descending=True)
        .unique(["province_key", "indicator_code"], keep="first", maintain_order=True)
        .sort("province_key", "indicator_code")
    )
    keys = cells["province_key"].unique(maintain_order=True).to_list()
    labels = dict(cells.select("province_key", "province_name").iter_rows())
    provinces = [province_label(k, labels[k]) for k in keys]
    indicators = cells.select("indicator_code", "indicator_name_vi").unique(maintain_order=True)
    names = dict(indicators.iter_rows())
    codes = indicators["indicator_code"].to_list()
    lookup = {(r["province_key"], r["indicator_code"]): r for r in cells.iter_rows(named=True)}
    z, hover = [], []
    for key in keys:
        row_z, row_h = [], []
        for code in codes:
            r = lookup.get((key, code), {})
            stated = r.get("status") == "stated"
            row_z.append(1 if stated else 0)
            row_h.append(
                f"<b>{esc(r.get('province_name'))}</b> · {esc(names[code])}<br>"
                + (
                    f"{esc(r.get('cell_text'))}<br><i>«{esc((r.get('quote') or '')[:160])}»</i>"
                    if stated
                    else "Không nêu trong kế hoạch"
                )
            )
        z.append(row_z)
        hover.append(row_h)
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=[names[c] for c in codes],
            y=provinces,
            text=hover,
            hoverinfo="text",
            colorscale=[[0, "#e4e7eb"], [1, "#3ebd93"]],
            showscale=False,
            xgap=2,
            ygap=2,
        )
    )
    figure.update_layout(height=220 + 40 * len(provinces), margin={"l": 140, "b": 220}, xaxis_tickangle=-45)
    return figure


def spending_figure(comparison: pl.DataFrame) -> go.Figure | None:
    """R&D / S&T spending in % of GRDP: each province's range by year, the national target as a band."""
    rows = (
        comparison.filter(
            (pl.col("indicator_code") == "rd_spend_pct_grdp") & pl.col("value_min").is_not_null()
        )
        if not comparison.is_empty()
        else comparison
    )
    if rows.is_empty():
        return None
    figure = go.Figure()
    for r in rows.iter_rows(named=True):
        low, high = r["value_min"], r["value_max"]
        money = (
            f"<br>≈ {r['money_min_bn_vnd']:,.0f}–{r['money_max_bn_vnd']:,.0f} tỷ đồng (GRDP {r['grdp_year']})"
            if r["money_min_bn_vnd"] is not None
            else ""
        )
        figure.add_trace(
            go.Bar(
                x=[f"{esc(r['province_name'])} ({r['target_year']})"],
                y=[max(high - low, 0.02)],
                base=[low],
                name=esc(r["province_name"]),
                hovertext=[
                    f"{esc(r['province_name'])}: {low:g}–{high:g}% GRDP ({r['target_year']}){money}<br><i>«{esc(r['quote'][:160])}»</i>"
                ],
                hoverinfo="text",
            )
        )
        if r["national_min"] is not None:
            figure.add_hrect(
                y0=r["national_min"],
                y1=r["national_max"] or r["national_min"],
                fillcolor="#f0b429",
                opacity=0.2,
                line_width=0,
            )
    figure.update_layout(
        yaxis_title="% GRDP", showlegend=False, height=420, title="Dải màu vàng: mục tiêu quốc gia cùng năm"
    )
    return figure


def ip_enterprise_figure(targets: pl.DataFrame) -> go.Figure | None:
    """IP registrations and S&T enterprises: one panel per target type, never mixed on one axis."""
    rows = (
        targets.filter(pl.col("indicator_code").is_in(IP_AND_ENTERPRISES) & pl.col("value_min").is_not_null())
        if not targets.is_empty()
        else targets
    )
    if rows.is_empty():
        return None
    types = [t for t in TYPE_VI if t in set(rows["target_type"])]
    figure = make_subplots(
        rows=len(types), cols=1, subplot_titles=[TYPE_VI[t] for t in types], vertical_spacing=0.12
    )
    for index, kind in enumerate(types, start=1):
        for r in rows.filter(pl.col("target_type") == kind).iter_rows(named=True):
            figure.add_trace(
                go.Bar(
                    x=[f"{esc(r['province_name'])} · {esc(r['indicator_name_vi'])}"],
                    y=[r["value_max"]],
                    hovertext=[
                        f"{esc(r['indicator_name_vi'])}: {r['value_min']:g}–{r['value_max']:g} {esc(r['unit'])} ({r['target_year']})<br><i>«{esc(r['quote'][:160])}»</i>"
                    ],
                    hoverinfo="text",
                    showlegend=False,
                ),
                row=index,
                col=1,
            )
    figure.update_layout(height=320 * len(types))
    return figure


def heatmap(frame: pl.DataFrame, x: str, y: str, value: str, title: str) -> go.Figure | None:
    if frame.is_empty():
        return None
    pivot = frame.pivot(on=x, index=y, values=value, aggregate_function="sum").fill_null(0)
    columns = [c for c in pivot.columns if c != y]
    figure = go.Figure(
        go.Heatmap(
            z=pivot.select(columns).to_numpy(),
            x=[esc(c) for c in columns],
            y=[esc(v) for v in pivot[y]],
            colorscale="Blues",
            hovertemplate="%{y} · %{x}: %{z}<extra></extra>",
        )
    )
    figure.update_layout(title=title, height=260 + 40 * pivot.height, margin={"b": 160}, xaxis_tickangle=-40)
    return figure


def map_figure(profile: pl.DataFrame, provinces: pl.DataFrame) -> go.Figure | None:
    """Provinces with plans at their coordinates, coloured by indicators stated (no online tiles)."""
    if profile.is_empty() or provinces.is_empty():
        return None
    located = profile.join(
        provinces.select("province_code", "latitude", "longitude"), on="province_code", how="left"
    )
    located = located.filter(pl.col("latitude").is_not_null())
    figure = go.Figure(
        go.Scattergeo(
            lat=located["latitude"].to_list(),
            lon=located["longitude"].to_list(),
            text=[
                f"{esc(n)}: {s} chỉ tiêu"
                for n, s in located.select("province_name", "indicators_stated").iter_rows()
            ],
            hoverinfo="text",
            marker={
                "size": 14,
                "color": located["indicators_stated"].to_list(),
                "colorscale": "Viridis",
                "showscale": True,
            },
        )
    )
    figure.update_geos(
        fitbounds="locations", showcountries=True, showland=True, landcolor="#f5f7fa", resolution=50
    )
    figure.update_layout(height=560, margin={"l": 0, "r": 0, "t": 30, "b": 0})
    return figure


# --------------------------------------------------------------------------- pages


def _figure_html(figure: go.Figure | None) -> str:
    return figure.to_html(full_html=False, include_plotlyjs=False) if figure is not None else NO_DATA


def _table(
    frame: pl.DataFrame, columns: dict[str, str], quote_columns: tuple[str, ...] = ("quote", "first_quote")
) -> str:
    if frame.is_empty():
        return NO_DATA
    head = "".join(f"<th>{esc(label)}</th>" for label in columns.values())
    rows = []
    for row in frame.select([c for c in columns if c in frame.columns]).iter_rows(named=True):
        cells = "".join(
            f"<td class='{'quote' if k in quote_columns else ''}'>{esc(v)}</td>" for k, v in row.items()
        )
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _page(title: str, body: str, scripts: str = "") -> str:
    return (
        f"<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'><title>{esc(title)}</title>{ERROR_PROBE}"
        f"<style>{STYLE}</style>{scripts}</head><body>{body}</body></html>"
    )


def _province_file(key: str) -> str:
    return f"province-{key.replace('/', '-')}.html"


def overview_page(marts: dict[str, pl.DataFrame], built_at: dt.datetime) -> str:
    profile = marts["mart_province_profile"]
    documents = marts["dim_document"]
    targets = marts["fct_indicator_target"]
    links = (
        " ".join(
            f"<a href='{_province_file(k)}'>{esc(n)}</a>"
            for k, n in profile.select("province_key", "province_name").iter_rows()
        )
        if not profile.is_empty()
        else ""
    )
    summary = (
        f"<p>{documents.height} kế hoạch của {profile.height} tỉnh, {targets.height} mục tiêu định lượng, "
        f"xây dựng lúc {built_at:%d/%m/%Y %H:%M}. Mỗi con số kèm trích dẫn nguyên văn; "
        "“Không nêu trong kế hoạch” là một câu trả lời, không phải số 0.</p>"
    )
    alignment = marts["mart_policy_alignment"]
    top = (
        alignment.group_by("canonical")
        .agg(pl.col("occurrences").sum())
        .sort("occurrences", descending=True)
        .head(15)
        if not alignment.is_empty()
        else alignment
    )
    alignment_top = (
        alignment.filter(pl.col("canonical").is_in(top["canonical"]))
        if not alignment.is_empty()
        else alignment
    )
    sections = [
        ("Ma trận chỉ tiêu × tỉnh", _figure_html(matrix_figure(marts["mart_indicator_matrix"]))),
        (
            "Đầu tư cho KH&CN / NC&PT (% GRDP)",
            _figure_html(spending_figure(marts["mart_indicator_comparison"])),
        ),
        ("Sở hữu trí tuệ và doanh nghiệp KH&CN", _figure_html(ip_enterprise_figure(targets))),
        (
            "Văn bản trung ương được trích dẫn",
            _figure_html(
                heatmap(alignment_top, "canonical", "province_name", "occurrences", "Số lần trích dẫn")
            ),
        ),
        (
            "Chủ đề",
            _figure_html(
                heatmap(
                    marts["mart_theme_coverage"],
                    "theme_name_vi",
                    "province_name",
                    "text_share",
                    "Tỷ trọng nội dung",
                )
            ),
        ),
        ("Bản đồ: số chỉ tiêu có nêu", _figure_html(map_figure(profile, marts["dim_province"]))),
    ]
    body = f"<h1>So sánh kế hoạch KH,CN&ĐMST các tỉnh</h1><nav>{links}</nav>{summary}"
    body += "".join(f"<h2>{esc(title)}</h2>{content}" for title, content in sections)
    return _page("Tổng quan", body, f"<script>{get_plotlyjs()}</script>")


def province_page(key: str, name: str, marts: dict[str, pl.DataFrame]) -> str:
    def of(frame: pl.DataFrame) -> pl.DataFrame:
        return (
            frame.filter(pl.col("province_key") == key) if "province_key" in frame.columns else frame.clear()
        )

    themes = of(marts["mart_theme_coverage"]).filter(pl.col("mentions") > 0).sort("mentions", descending=True)
    body = (
        f"<p><a href='index.html'>← Tổng quan</a></p><h1>{esc(name)}</h1>"
        "<h2>Kế hoạch</h2>"
        + _table(
            of(marts["dim_document"]),
            {
                "doc_number": "Số hiệu",
                "title": "Trích yếu",
                "issue_date": "Ngày",
                "issuer": "Cơ quan",
                "period_start": "Từ năm",
                "period_end": "Đến năm",
                "signer": "Người ký",
                "flags": "Lưu ý",
                "file_name": "Tệp",
            },
        )
        + "<h2>Mục tiêu</h2>"
        + _table(
            of(marts["fct_indicator_target"]),
            {
                "indicator_name_vi": "Chỉ tiêu",
                "target_type": "Loại",
                "bound": "Ràng buộc",
                "value_min": "Từ",
                "value_max": "Đến",
                "unit": "Đơn vị",
                "target_year": "Năm",
                "section": "Mục",
                "quote": "Trích dẫn nguyên văn",
            },
        )
        + "<h2>Văn bản được trích dẫn</h2>"
        + _table(
            of(marts["fct_citation"]),
            {
                "canonical": "Văn bản",
                "issuer_level": "Cấp",
                "issue_date": "Ngày",
                "occurrences": "Số lần",
                "first_quote": "Trích dẫn",
            },
        )
        + "<h2>Chủ đề</h2>"
        + _table(
            themes,
            {"theme_name_vi": "Chủ đề", "mentions": "Số lần", "sections": "Số mục", "text_share": "Tỷ trọng"},
        )
    )
    return _page(name, body)


def build_site(marts_dir: Path, out_dir: Path, built_at: dt.datetime | None = None) -> list[Path]:
    """Write the site into a sibling folder, then swap it in: a killed build leaves the old site."""
    marts = load_marts(marts_dir)
    built_at = built_at or dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=7)))
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".dashboard-", dir=out_dir.parent))
    try:
        pages = {"index.html": overview_page(marts, built_at)}
        profile = marts["mart_province_profile"]
        if not profile.is_empty():
            for key, name in profile.select("province_key", "province_name").iter_rows():
                pages[_province_file(key)] = province_page(key, province_label(key, name), marts)
        for file_name, content in pages.items():
            (staging / file_name).write_text(content, encoding="utf-8")
        old = out_dir.with_name(f".{out_dir.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if out_dir.exists():
            os.replace(out_dir, old)
        os.replace(staging, out_dir)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [out_dir / name for name in pages]
