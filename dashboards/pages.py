"""The overview and analysis pages, and `render_site`, which renders every file of the site.

Each page function adds its page, and the CSV of every chart on it, to the `files` mapping.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from dashboards import figures as fg
from dashboards.benchmark import benchmark_page
from dashboards.data import (
    Marts,
    has_column,
    indicator_group,
    page_name,
    plan_provinces,
    province_label,
    vi_order,
)
from dashboards.heatmaps import alignment_heatmap, themes_heatmap
from dashboards.html import (
    ERROR_PROBE,
    SECTIONS,
    WORKBOOK,
    Chart,
    Row,
    Safe,
    figure,
    layout,
    link,
    no_data,
    quote,
    review_badge,
    review_tools,
    t,
    table,
    target_row,
)
from dashboards.ip import ip_charts
from dashboards.maps import menu_texts, province_map
from dashboards.national import indicator_reference
from dashboards.province import indicator_cell, national_cell, plan_labels, plan_ref, province_page
from dashboards.text import CITATION_TIER, TARGET_TYPE, esc, fmt_num, money_range, period_text, value_text

__all__ = ["ERROR_PROBE", "render_site"]


def summary_cards(marts: Marts, reviews: dict[str, int]) -> str:
    """The figures at the top of the overview: plans, provinces, targets, citations, rejections and,
    when the marts carry review status, targets still to review."""
    targets = marts.targets
    numeric = targets.filter(~pl.col("qualitative").fill_null(False)).height
    cards = [
        (marts.documents.height, "kế hoạch", "plans"),
        (len(plan_provinces(marts)), "tỉnh có kế hoạch", "provinces"),
        (targets.height, f"chỉ tiêu ({numeric} có số liệu)", f"targets ({numeric} numeric)"),
        (marts.citations["canonical"].n_unique(), "văn bản được dẫn", "documents cited"),
        (marts.rejected.height, "tệp bị loại", "files rejected"),
    ]
    if reviews:
        cards.append((sum(reviews.values()), "chỉ tiêu cần kiểm tra", "targets to review"))
    return "".join(f'<div class="card"><b>{n}</b>{t(vi, en)}</div>' for n, vi, en in cards)


def hidden_indicators_note(marts: Marts, matrix: Chart) -> str:
    """The indicators the matrix leaves out (no province states them, no national target)."""
    hidden = getattr(matrix, "hidden", [])
    if not hidden:
        return ""
    names = dict(marts.indicators.select("indicator_code", "name_vi").rows())
    return (
        f'<p class="note">{t("Chưa tỉnh nào nêu (và không có chỉ tiêu quốc gia), nên không vẽ: ", "Stated by no province (and no national target), not drawn: ")}'
        f"{esc('; '.join(names.get(c, c) for c in hidden))}.</p>"
    )


def index_page(marts: Marts, files: dict[str, str]) -> str:
    """The overview: summary figures, the indicator matrix, the map, the provinces, the rejects."""
    reviews = {k: n for k, n in fg.review_counts(marts).iter_rows()}
    summary = summary_cards(marts, reviews)
    matrix = fg.matrix_heatmap(marts)
    hidden_note = hidden_indicators_note(marts, matrix)
    pages = "".join(f"<li>{link(file, t(vi, en))}</li>" for file, vi, en in SECTIONS[1:])
    body = f"""
<div class="cards">{summary}</div>
<p class="note">{
        t(
            "Mỗi con số đều kèm câu trích nguyên văn trong kế hoạch. “Không nêu” là một câu trả lời, không phải số 0.",
            "Every number comes with the sentence it was read from. 'Not stated' is an answer, not a zero.",
        )
    }
{t("Sổ tính Excel đầy đủ:", "The full Excel workbook:")} {link(WORKBOOK, "khcn_benchmark.xlsx")}.</p>
<h2 id="matrix">{
        t(
            "Ma trận chỉ tiêu × tỉnh, cạnh chỉ tiêu quốc gia",
            "Indicator × province matrix, beside the national targets",
        )
    }</h2>
<p class="note">{
        t(
            "Cột đầu: chỉ tiêu quốc gia (QĐ 569/QĐ-TTg, NQ 57-NQ/TW) theo từng năm. Xám: không nêu trong kế hoạch; vàng: nêu định tính; xanh: nêu có số liệu. Dấu so với chỉ tiêu quốc gia cùng năm: ▲ cao hơn, ● trong khoảng, ▼ thấp hơn; khác năm thì chỉ để tham khảo (xem khi rê chuột). ⚠: số liệu cần kiểm tra.",
            "First column: the national targets by year. Grey: not stated; yellow: stated in words; blue: stated with a number. Against the national target of the same year: ▲ above, ● within, ▼ below; another year is context only (in the hover). ⚠: needs review.",
        )
    }</p>
{figure(matrix, files)}
{hidden_note}
<h2 id="map">{t("Bản đồ các tỉnh, thành phố", "Map of the provinces")}</h2>
<p class="note">{
        t(
            "Chọn 63 tỉnh, thành phố (trước 1/7/2025) hoặc 34 tỉnh, thành phố (từ 1/7/2025), và tô màu theo số chỉ tiêu đã nêu hoặc theo một chỉ tiêu. Ở chế độ 34, kế hoạch của các tỉnh cũ được gộp vào đơn vị mới. Tên tỉnh hiện khi rê chuột. Quần đảo Hoàng Sa (thành phố Đà Nẵng) và quần đảo Trường Sa (tỉnh Khánh Hòa) luôn được vẽ.",
            "Switch between the 63 provinces (before 1 July 2025) and the 34 (from then), coloured by indicators stated or by one indicator. In the 34 view the former provinces' plans count for the new unit. Names are in the hover. The Hoang Sa and Truong Sa archipelagos are always drawn.",
        )
    }</p>
{figure(map_chart(marts), files)}
<p class="note">{
        t(
            "Ranh giới tỉnh: geoBoundaries (www.geoboundaries.org), Việt Nam ADM1, phạm vi công cộng; 34 đơn vị được gộp từ 63 tỉnh theo mã. Mở thẳng chế độ 34 đơn vị:",
            "Province boundaries: geoBoundaries (www.geoboundaries.org), Viet Nam ADM1, public domain; the 34 units are dissolved from the 63 by code. Open the 34-unit view directly:",
        )
    } {link("index.html#map-34", "index.html#map-34")}</p>
<h2 id="provinces">{t("Các tỉnh", "Provinces")}</h2>
{province_table(marts, reviews)}
<h2>{t("Các trang phân tích", "Analysis pages")}</h2>
<ul>{pages}<li>{
        link(WORKBOOK, t("Sổ tính Excel (khcn_benchmark.xlsx)", "Excel workbook (khcn_benchmark.xlsx)"))
    }</li></ul>
{orphan_reviews(marts)}
<h2>{t("Tệp không đưa vào kho", "Files not loaded")}</h2>
{table([t("Tệp", "File"), t("Lý do", "Reason")], marts.rejected.select("file_name", "reason").rows())}
"""
    return layout(marts, "index.html", ("Tổng quan", "Overview"), body, map_assets=True)


def orphan_reviews(marts: Marts) -> Safe:
    """Review decisions that no longer match a target (the plan changed): listed so none is lost."""
    orphans = marts.reviews.filter(pl.col("review_outcome") == "orphan")
    if orphans.is_empty():
        return Safe("")
    rows = [
        [
            r["review_file"],
            r["review_row"],
            r["decision_vi"],
            r["reviewer"],
            r["note"],
            quote(r["quote"]),
            r["outcome_reason"],
        ]
        for r in orphans.iter_rows(named=True)
    ]
    headers = [
        t("Tệp kiểm tra", "Review file"),
        t("Dòng", "Row"),
        t("Quyết định", "Decision"),
        t("Người kiểm tra", "Reviewer"),
        t("Ghi chú", "Note"),
        t("Trích dẫn", "Quote"),
        t("Lý do", "Reason"),
    ]
    heading = t(
        "Quyết định kiểm tra không còn khớp chỉ tiêu nào", "Review decisions that match no target any more"
    )
    return Safe(f"<h2>{heading}</h2>{table(headers, rows, numeric=[1])}")


def map_chart(marts: Marts) -> Chart:
    fig = province_map(marts)
    fg.base_layout(
        fig,
        height=940,
        title="Bản đồ: chỉ tiêu đã nêu theo tỉnh, thành phố",
        margin={"l": 0, "r": 0, "t": 50, "b": 0},
    )
    fig.update_layout(showlegend=False)
    en = {
        "title.text": "Map: indicators stated by province",
        "updatemenus[0].buttons[0].label": "63 provinces (before 1 July 2025)",
        "updatemenus[0].buttons[1].label": "34 provinces (from 1 July 2025)",
    }
    vi = {
        "title.text": fig.layout.title.text,
        "updatemenus[0].buttons[0].label": fig.layout.updatemenus[0].buttons[0].label,
        "updatemenus[0].buttons[1].label": fig.layout.updatemenus[0].buttons[1].label,
    }
    en |= menu_texts(marts, "en")
    vi |= menu_texts(marts, "vi")
    data = marts.profile.select(
        "province_key", "province_name", "successor_code", "successor_name", "plans", "indicators_stated"
    )
    traces_en = [([1, 3], {"colorbar.title.text": "Indicators<br>stated"})]
    traces_vi = [([1, 3], {"colorbar.title.text": "Số chỉ tiêu<br>đã nêu"})]
    return Chart(fig, "province-map", data, en=en, vi=vi, traces_en=traces_en, traces_vi=traces_vi)


def province_table(marts: Marts, reviews: dict[str, int]) -> Safe:
    profile = {r["province_key"]: r for r in marts.profile.iter_rows(named=True)}
    rows = []
    for key, label in plan_provinces(marts):
        p = profile.get(key, {})
        period = period_text(p.get("period_from"), p.get("period_to"), p.get("horizon_year"))
        stated = f"{p.get('indicators_stated') or 0}/{p.get('catalog_size') or '?'}"
        row = [
            link(page_name(key), label),
            p.get("successor_name"),
            p.get("plans"),
            period,
            p.get("targets"),
            stated,
            p.get("national_citations"),
        ]
        rows.append(row + ([reviews.get(key, 0)] if reviews else []))
    headers = [
        t("Tỉnh", "Province"),
        t("Nay thuộc (từ 7/2025)", "Now part of"),
        t("Kế hoạch", "Plans"),
        t("Giai đoạn", "Period"),
        t("Chỉ tiêu", "Targets"),
        t("Chỉ tiêu đã nêu / danh mục", "Indicators stated"),
        t("Dẫn văn bản TW", "National docs cited"),
    ]
    headers += [t("Cần kiểm tra", "To review")] if reviews else []
    return table(headers, rows, numeric=[2, 4, 5, 6, 7])


def money_text(r: dict[str, Any]) -> str:
    low, high = r.get("money_min_bn_vnd"), r.get("money_max_bn_vnd")
    if low is None:
        return ""
    return f"≈ {money_range(low, high)} (GRDP {r.get('grdp_year')}: {fmt_num(r.get('grdp_bn_vnd'), 0)})"


def spending_table(marts: Marts) -> Safe:
    """Every spending target (with or without a number), the national target first."""
    labels = plan_labels(marts)
    codes = indicator_group(fg.SPENDING_GROUP)
    rows = vi_order(marts.comparison.filter(pl.col("indicator_code").is_in(codes)))
    rows = rows.sort("target_year", "_vi", nulls_last=True)
    national = [
        Row(
            [t("Chỉ tiêu quốc gia", "National target"), "", indicator_reference(marts, c)] + [""] * 5,
            "national",
        )
        for c in codes
    ]
    return table(
        [
            t("Tỉnh", "Province"),
            t("Năm mục tiêu", "Target year"),
            t("Chỉ tiêu", "Target"),
            t("So với chỉ tiêu quốc gia", "Against the national target"),
            t("Quy đổi (tỷ đồng)", "Money (bn VND)"),
            t("Kiểm tra", "Review"),
            t("Văn bản", "Plan"),
            t("Trích dẫn", "Quote"),
        ],
        national
        + [
            target_row(
                [
                    link(page_name(r["province_key"]), province_label(r["province_key"], r["province_name"])),
                    r["target_year"],
                    value_text(r),
                    national_cell(marts, {**r, "target_type": r["target_type"] or "level"}),
                    money_text(r),
                    review_badge(r.get("review_status")),
                    plan_ref(labels, r),
                    quote(r["quote"]),
                ],
                r,
            )
            for r in rows.iter_rows(named=True)
        ],
        numeric=[1],
        optional=[5],
    )


def spending_page(marts: Marts, files: dict[str, str]) -> str:
    """R&D spending as % of GRDP: the chart per target year and every target in a table."""
    detail = spending_table(marts)
    body = f"""
<p class="note">{
        t(
            "Chỉ tiêu tổng chi cho KH&CN / nghiên cứu và phát triển (NC&PT) tính theo % GRDP. Thanh xanh: khoảng chỉ tiêu của tỉnh theo từng năm mục tiêu; dải xanh lá: chỉ tiêu quốc gia cùng năm. Khi biết GRDP của tỉnh, số tiền tương ứng hiện khi rê chuột.",
            "Target for total R&D/S&T spending as % of GRDP. Blue: each province's target by target year; green band: the national target for that year. Where the province's GRDP is known, the money equivalent is in the hover.",
        )
    }</p>
{review_tools(has_column(marts.comparison, "review_status"))}
{figure(fg.spending_chart(marts), files)}
<h2>{t("Chi tiết", "Details")}</h2>
{detail}
"""
    return layout(
        marts, "spending.html", ("Chi cho KH&CN, NC&PT (% GRDP)", "R&D / S&T spending (% GRDP)"), body
    )


def ip_references(marts: Marts) -> list[Row]:
    """One row per IP or enterprise indicator that has a national target, for the top of the table."""
    names = dict(marts.indicators.select("indicator_code", "name_vi").rows())
    return [
        Row(
            [names.get(c, c), t("Chỉ tiêu quốc gia", "National target"), "", indicator_reference(marts, c)]
            + [""] * 4,
            "national",
        )
        for c in indicator_group(fg.IP_GROUP)
        if indicator_reference(marts, c)
    ]


def ip_table(marts: Marts) -> Safe:
    """Every stated IP or enterprise target, by indicator then province, the national ones first."""
    labels = plan_labels(marts)
    rows = marts.matrix.filter(
        pl.col("indicator_code").is_in(indicator_group(fg.IP_GROUP)) & (pl.col("status") == "stated")
    )
    rows = vi_order(rows).sort("indicator_code", "_vi")
    return table(
        [
            t("Chỉ tiêu", "Indicator"),
            t("Tỉnh", "Province"),
            t("Loại chỉ tiêu", "Target type"),
            t("Giá trị", "Value"),
            t("So với chỉ tiêu quốc gia", "Against the national target"),
            t("Kiểm tra", "Review"),
            t("Văn bản · mục", "Plan · section"),
            t("Trích dẫn", "Quote"),
        ],
        ip_references(marts)
        + [
            target_row(
                [
                    indicator_cell(r["indicator_name_vi"], r["indicator_name_en"]),
                    link(page_name(r["province_key"]), province_label(r["province_key"], r["province_name"])),
                    TARGET_TYPE.get(r["target_type"] or "", (r["target_type"],))[0],
                    f"{value_text(r)} ({r['target_year'] or '?'})",
                    national_cell(marts, r),
                    review_badge(r.get("review_status")),
                    f"{plan_ref(labels, r)} · {r['section'] or ''}",
                    quote(r["quote"]),
                ],
                r,
            )
            for r in rows.iter_rows(named=True)
        ],
        optional=[5],
    )


def ip_page(marts: Marts, files: dict[str, str]) -> str:
    """IP registrations and S&T enterprises: one chart per target type and unit, and the table."""
    sections = [figure(chart, files) for _, _, chart in ip_charts(marts)]
    detail = ip_table(marts)
    body = f"""
<p class="note">{
        t(
            "Đơn đăng ký sáng chế, nhãn hiệu, văn bằng bảo hộ, doanh nghiệp KH&CN và khởi nghiệp đổi mới sáng tạo. Mỗi biểu đồ chỉ gồm một loại chỉ tiêu và một đơn vị: mức cần đạt, tăng thêm, gấp bao nhiêu lần và tăng trưởng %/năm không bao giờ nằm chung một trục. Vạch xanh lá: chỉ tiêu quốc gia cùng loại.",
            "Patent and trademark applications, IP titles, S&T enterprises and innovative start-ups. Each chart holds one target type and one unit. Green mark: the national target of the same kind.",
        )
    }</p>
{review_tools(has_column(marts.matrix, "review_status"))}
{"".join(sections) or no_data()}
<h2>{t("Tất cả chỉ tiêu, cạnh chỉ tiêu quốc gia", "All targets, beside the national targets")}</h2>
{detail}
"""
    return layout(
        marts,
        "ip-enterprises.html",
        ("Sở hữu trí tuệ và doanh nghiệp KH&CN", "IP registrations and S&T enterprises"),
        body,
    )


def alignment_page(marts: Marts, files: dict[str, str]) -> str:
    docs = (
        marts.alignment.filter(pl.col("citation_tier").is_in(fg.NATIONAL_LEVELS))
        .group_by("canonical")
        .agg(
            pl.col("citation_tier").first(),
            pl.col("issue_date").first(),
            pl.col("province_key").n_unique().alias("provinces"),
            pl.col("occurrences").sum(),
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
                CITATION_TIER.get(r["citation_tier"] or "", r["citation_tier"]),
                f"{r['issue_date']:%d/%m/%Y}" if r["issue_date"] else "",
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
            f"Các văn bản của Trung ương Đảng, Quốc hội, Chính phủ, Thủ tướng và các Bộ được kế hoạch tỉnh dẫn nhiều nhất (tối đa {fg.TOP_CITED}). Ô: số lần kế hoạch của tỉnh nhắc tới văn bản; ô trống: không nhắc.",
            f"The national and Party documents the provincial plans cite most (top {fg.TOP_CITED}). Cell: times the province's plans cite it; blank: not cited.",
        )
    }</p>
{figure(alignment_heatmap(marts), files)}
<h2>{t("Tất cả văn bản Trung ương được dẫn", "Every national document cited")}</h2>
{detail}
"""
    return layout(marts, "alignment.html", ("Văn bản chính sách được dẫn", "Policy alignment"), body)


def themes_page(marts: Marts, files: dict[str, str]) -> str:
    body = f"""
<p class="note">{
        t(
            "Tỷ lệ văn bản kế hoạch nằm ở các đoạn có nhắc từ khóa của từng chủ đề. Một đoạn có thể nhắc nhiều chủ đề, nên tổng các chủ đề của một tỉnh có thể vượt 100%. Rê chuột để xem số lần nhắc, số mục và số kế hoạch có nhắc.",
            "Share of each province's plan text in paragraphs that mention the theme's keywords. One paragraph can mention several themes, so a province's shares can add up to more than 100%. Hover for mentions, sections and plans.",
        )
    }</p>
{figure(themes_heatmap(marts), files)}
"""
    return layout(marts, "themes.html", ("Chủ đề trong kế hoạch", "Themes"), body)


def render_site(marts: Marts, pdf_links: bool = False) -> dict[str, str]:
    """Every file of the site (pages and chart CSVs), by relative path; with `pdf_links`, each
    province page links its printed profile (pdf/<page>.pdf, printed by build_site)."""
    files: dict[str, str] = {}
    files["index.html"] = index_page(marts, files)
    files["benchmark.html"] = benchmark_page(marts, files)
    files["spending.html"] = spending_page(marts, files)
    files["ip-enterprises.html"] = ip_page(marts, files)
    files["alignment.html"] = alignment_page(marts, files)
    files["themes.html"] = themes_page(marts, files)
    for key, label in plan_provinces(marts):
        files[page_name(key)] = province_page(marts, key, label, files, pdf_link=pdf_links)
    return files
