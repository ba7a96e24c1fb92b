"""One page per province. Its top is a one-page profile that prints on one A4 landscape sheet
(print CSS hides the rest): the province's targets against the national ones, its region peers
and the quotes. The full plan, target, citation and theme tables follow on screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from dashboards.data import Marts, has_column, page_name, plan_provinces, province_label
from dashboards.heatmaps import THEME_MEASURE_VI, province_themes_bar
from dashboards.html import (
    Row,
    Safe,
    comparison_badge,
    figure,
    layout,
    link,
    quote,
    review_badge,
    review_tools,
    t,
    table,
    target_row,
)
from dashboards.national import context
from dashboards.pdf import pdf_name
from dashboards.text import (
    CITATION_TIER,
    FLAGS,
    ISSUER_LEVEL,
    TARGET_TYPE,
    esc,
    fmt_num,
    period_text,
    review_state,
    short,
    value_text,
)
from pipelines.text.vietnamese import collation_key

NATIONAL_ORDER = ["national", "ministry", "party_central", "party_province", "province"]


def plan_labels(marts: Marts) -> dict[str, str]:
    """How a plan is named in tables: its number, or its title when it has none."""
    return {
        r["document_id"]: r["doc_number"] or f"(không số) {short(r['title'], 60)}"
        for r in marts.documents.iter_rows(named=True)
    }


def plan_ref(labels: dict[str, str], row: dict[str, Any]) -> str:
    return labels.get(row.get("document_id") or "") or row.get("doc_number") or "(không số)"


def date_text(value: Any) -> str:
    return f"{value:%d/%m/%Y}" if value is not None else ""


def indicator_cell(name_vi: Any, name_en: Any) -> Safe:
    return Safe(f'{esc(name_vi)}<small class="en-name en" lang="en"><br>{esc(name_en)}</small>')


def national_cell(marts: Marts, row: dict[str, Any]) -> Safe:
    ref = context(marts, row)
    if not ref.text:
        return comparison_badge("no_national_target")
    return Safe(f"{esc(ref.text)}<br>{comparison_badge(ref.code)}")


def profile_targets(marts: Marts, key: str) -> Safe:
    """The newest stated target per indicator, beside the national target, with a short quote."""
    cells = (
        marts.matrix.filter(
            (pl.col("province_key") == key)
            & (pl.col("status") == "stated")
            & (pl.col("indicator_code") != "other")
        )
        .sort("is_newest", descending=True, nulls_last=True)
        .unique("indicator_code", keep="first", maintain_order=True)
        .sort("indicator_code")
    )
    ranks = {r["target_id"]: r for r in marts.ranking.iter_rows(named=True) if r.get("target_id")}
    rows = [
        target_row(
            [
                r["indicator_name_vi"],
                f"{value_text(r)} ({r['target_year'] or '?'})",
                national_cell(marts, r),
                peer_text(ranks.get(r.get("target_id") or "")),
                review_badge(r.get("review_status")),
                quote(short(r["quote"], 160)),
            ],
            r,
        )
        for r in cells.iter_rows(named=True)
    ]
    headers = [
        t("Chỉ tiêu", "Indicator"),
        t("Chỉ tiêu của tỉnh (năm)", "Province target (year)"),
        t("Chỉ tiêu quốc gia", "National target"),
        t("Hạng, bình quân vùng", "Rank, region average"),
        t("Kiểm tra", "Review"),
        t("Trích dẫn", "Quote"),
    ]
    return table(headers, rows, optional=[3, 4])


def peer_text(rank: dict[str, Any] | None) -> str:
    """'hạng 1/2 · bình quân vùng: 1,35% GRDP' from the ranking mart, '' where it has no row."""
    if not rank or rank.get("rank") is None:
        return ""
    average = value_text(
        {
            **rank,
            "value_text_vi": None,
            "bound": None,
            "value_min": rank.get("region_avg"),
            "value_max": rank.get("region_avg"),
        }
    )
    region = f" · bình quân vùng: {average}" if rank.get("region_avg") is not None else ""
    return f"hạng {rank['rank']}/{rank.get('provinces_compared') or '?'}{region}"


def region_peers(marts: Marts, key: str) -> Safe:
    """Other provinces of the same region with plans: how many indicators each states."""
    region = marts.provinces.filter(pl.col("province_code") == key.split("/")[0])["region"]
    if key.endswith("/2025") or region.is_empty() or region[0] is None:
        return Safe(
            f'<p class="empty">{t("Không xác định được vùng của đơn vị này.", "No region for this unit.")}</p>'
        )
    codes = set(marts.provinces.filter(pl.col("region") == region[0])["province_code"])
    profile = marts.profile.filter(pl.col("province_key").is_in(codes)).to_dicts()
    profile.sort(key=lambda r: collation_key(r["province_name"]))
    rows = [
        Row(
            [
                link(page_name(r["province_key"]), r["province_name"]),
                r["plans"],
                f"{r['indicators_stated'] or 0}/{r['catalog_size'] or '?'}",
                r["targets"],
            ],
            "national" if r["province_key"] == key else "",
        )
        for r in profile
    ]
    note = Safe(f'<p class="note">{t("Vùng", "Region")}: {esc(region[0])}</p>')
    headers = [
        t("Tỉnh", "Province"),
        t("Kế hoạch", "Plans"),
        t("Chỉ tiêu đã nêu / danh mục", "Indicators stated"),
        t("Chỉ tiêu", "Targets"),
    ]
    return Safe(note + table(headers, rows, numeric=[1, 2, 3]))


def plans_table(marts: Marts, documents: pl.DataFrame) -> Safe:
    headers = [
        t("Số hiệu", "Number"),
        t("Tiêu đề", "Title"),
        t("Ngày ban hành", "Issued"),
        t("Cơ quan ban hành", "Issuer"),
        t("Người ký", "Signer"),
        t("Giai đoạn", "Period"),
        t("Lưu ý", "Notes"),
        t("Tệp nguồn", "Source file"),
    ]
    rows = (
        [
            f"{r['doc_type'] or ''} {r['doc_number'] or '(không số)'}".strip(),
            r["title"],
            date_text(r["issue_date"]) or r["issue_year"],
            f"{r['issuer'] or ''} ({ISSUER_LEVEL.get(r['issuer_level'] or '', r['issuer_level'] or '?')})",
            r["signer"],
            period_text(r["period_start"], r["period_end"], r.get("horizon_year")),
            "; ".join(FLAGS.get(f.strip(), f.strip()) for f in (r["flags"] or "").split(",") if f.strip()),
            r["file_name"],
        ]
        for r in documents.iter_rows(named=True)
    )
    return table(headers, rows)


def targets_table(marts: Marts, targets: pl.DataFrame, labels: dict[str, str]) -> Safe:
    headers = [
        t("Chỉ tiêu", "Indicator"),
        t("Loại chỉ tiêu", "Target type"),
        t("Giá trị", "Value"),
        t("Năm", "Year"),
        t("Chỉ tiêu quốc gia", "National target"),
        t("Kiểm tra", "Review"),
        t("Văn bản", "Plan"),
        t("Mục", "Section"),
        t("Trích dẫn nguyên văn", "Quote"),
        t("Độ tin cậy", "Confidence"),
    ]
    rows = [
        target_row(
            [
                indicator_cell(r["indicator_name_vi"] or r["label"], r["indicator_name_en"]),
                TARGET_TYPE.get(r["target_type"] or "", (r["target_type"],))[0],
                value_text(r),
                r["target_year"],
                national_cell(marts, r),
                review_badge(r.get("review_status")),
                plan_ref(labels, r),
                r["section"],
                quote(r["quote"]),
                fmt_num(r["confidence"]),
            ],
            r,
        )
        for r in targets.iter_rows(named=True)
    ]
    return table(headers, rows, numeric=[3, 9], optional=[5])


def citations_table(citations: pl.DataFrame, labels: dict[str, str]) -> Safe:
    order = {level: i for i, level in enumerate(NATIONAL_ORDER)}
    citations = citations.with_columns(
        pl.col("citation_tier").replace_strict(order, default=99).alias("_order")
    ).sort(["_order", "issue_date", "canonical"], nulls_last=True)
    headers = [
        t("Văn bản được dẫn", "Document cited"),
        t("Cơ quan ban hành", "Issuer"),
        t("Ngày", "Date"),
        t("Số lần", "Times"),
        t("Trong kế hoạch", "In plan"),
        t("Trích dẫn đầu tiên", "First quote"),
    ]
    rows = (
        [
            r["canonical"],
            CITATION_TIER.get(r["citation_tier"] or "", r["citation_tier"]),
            date_text(r["issue_date"]),
            r["occurrences"],
            plan_ref(labels, r),
            quote(r["first_quote"]),
        ]
        for r in citations.iter_rows(named=True)
    )
    return table(headers, rows, numeric=[3])


def themes_table(themes: pl.DataFrame) -> Safe:
    headers = [
        t("Chủ đề", "Theme"),
        t("Số lần nhắc", "Mentions"),
        t("Số mục", "Sections"),
        t(THEME_MEASURE_VI, "% of text in paragraphs mentioning it"),
    ]
    rows = (
        [
            indicator_cell(r["theme_name_vi"], r["theme_name_en"]),
            r["mentions"],
            r["sections"],
            f"{fmt_num(100 * (r['text_share'] or 0), 1)}%",
        ]
        for r in themes.iter_rows(named=True)
    )
    return table(headers, rows, numeric=[1, 2, 3])


def province_page(marts: Marts, key: str, label: str, files: dict[str, str], pdf_link: bool = False) -> str:
    def of(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.filter(pl.col("province_key") == key)

    labels = plan_labels(marts)
    profile = of(marts.profile).to_dicts()
    p = profile[0] if profile else {}
    documents = of(marts.documents).sort("issue_date", "issue_year", "doc_number", nulls_last=True)
    targets = of(marts.targets).sort("doc_number", "section", "indicator_code", nulls_last=True)
    awaiting = (
        sum(review_state(s) == "needs_review" for s in targets["review_status"])
        if has_column(marts.targets, "review_status")
        else None
    )
    facts = [
        (p.get("plans") or documents.height, "kế hoạch", "plans"),
        (p.get("targets") or targets.height, "chỉ tiêu", "targets"),
        (
            f"{p.get('indicators_stated') or 0}/{p.get('catalog_size') or '?'}",
            "chỉ tiêu đã nêu / danh mục",
            "indicators stated",
        ),
        (
            p.get("distinct_citations") or of(marts.citations)["canonical"].n_unique(),
            "văn bản được dẫn",
            "documents cited",
        ),
    ]
    if awaiting is not None:
        facts.append((awaiting, "chỉ tiêu cần kiểm tra", "targets to review"))
    cards = "".join(f'<div class="card"><b>{esc(n)}</b>{t(vi, en)}</div>' for n, vi, en in facts)
    successor = p.get("successor_name") or (documents["successor_name"][0] if documents.height else None)
    period = period_text(p.get("period_from"), p.get("period_to"), p.get("horizon_year"))
    safe_key = page_name(key).removesuffix(".html")
    body = f"""
<div class="tools"><button id="print" type="button">{t("In hồ sơ một trang / lưu PDF", "Print the one-page profile / save as PDF")}</button>
{pdf_anchor(key) if pdf_link else ""}
{review_tools(awaiting is not None)}</div>
<section class="profile">
<p class="note">{t("Nay thuộc", "Now part of")}: {esc(successor)} · {t("mã", "code")} {esc(key)} · {t("giai đoạn", "period")} {esc(period)}</p>
<div class="cards">{cards}</div>
<h2>{t("Chỉ tiêu của tỉnh so với chỉ tiêu quốc gia", "The province's targets against the national targets")}</h2>
{profile_targets(marts, key)}
<h2>{t("Các tỉnh cùng vùng", "Region peers")}</h2>
{region_peers(marts, key)}
</section>
<div class="screen-only">
<h2>{t("Kế hoạch", "Plans")}</h2>
{plans_table(marts, documents)}
<h2>{t("Tất cả chỉ tiêu", "All targets")}</h2>
{targets_table(marts, targets, labels)}
<h2>{t("Văn bản được dẫn", "Citations")}</h2>
{citations_table(of(marts.citations), labels)}
<h2>{t("Chủ đề", "Themes")}</h2>
{figure(province_themes_bar(marts, key, f"{safe_key}-themes"), files)}
{themes_table(of(marts.themes).sort("text_share", descending=True, nulls_last=True))}
</div>
"""
    return layout(marts, page_name(key), (label, label), body)


def pdf_anchor(key: str) -> Safe:
    return pdf_link(Path(page_name(key)))


def pdf_link(page: Path) -> Safe:
    """A province page's link to its printed profile (build_site drops it where printing failed)."""
    return link(pdf_name(page), t("Tải hồ sơ PDF", "Download the PDF profile"))


def province_keys(marts: Marts) -> list[str]:
    return [key for key, _ in plan_provinces(marts)]


__all__ = ["pdf_link", "plan_labels", "plan_ref", "province_keys", "province_label", "province_page"]
