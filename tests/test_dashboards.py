"""The analysts' dashboards: built from real marts, escaped, atomic, usable on sparse data, and
rendered for real in headless Chromium (skipped where Chromium is not installed)."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest

from dashboards import build_site
from dashboards.browser import Browser, BrowserError, headless
from dashboards.build import swap_in
from dashboards.data import COLUMNS
from dashboards.pages import ERROR_PROBE
from dashboards.pdf import print_profiles
from tests.session_build import IMG, REPO, SCRIPT, Build

RAW = ("<script>alert(1)", "<img src=x")
SCREENSHOTS = REPO / "test-output" / "screenshots"
PAGES = {
    "index.html",
    "benchmark.html",
    "spending.html",
    "ip-enterprises.html",
    "alignment.html",
    "themes.html",
}


def pages_of(site: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(site.glob("*.html"))}


def assert_escaped(pages: dict[str, str]) -> None:
    for name, text in pages.items():
        for raw in RAW:
            assert raw not in text, f"{name} carries raw {raw!r}"
    everything = "".join(pages.values())
    assert "&lt;script&gt;alert(1)" in everything
    assert "&lt;img src=x onerror=alert(1)&gt;" in everything


# ---------------------------------------------------------------- from a real pipeline run


@pytest.fixture(scope="module")
def pipeline_run(session_build: Build) -> Path:
    """The session build's data folder: the seed plans plus two hostile plans (a Bắc Ninh plan with
    markup everywhere, a seed copy with markup in its title) among the other bad inputs."""
    assert "dashboard_site" in session_build.materialized, "the dashboard asset runs in the nightly job"
    return session_build.data


@pytest.mark.slow
def test_site_from_a_pipeline_run_is_complete_offline_and_escaped(pipeline_run: Path) -> None:
    site = pipeline_run / "marts" / "dashboard"
    pages = pages_of(site)
    documents = pl.read_parquet(pipeline_run / "marts" / "dim_document.parquet")
    keys = set(documents["province_key"])
    assert {"33", "30", "72", "35", "27"} <= keys  # the seeds and Bắc Ninh
    expected = PAGES | {f"province-{key.replace('/', '-')}.html" for key in keys}
    assert set(pages) == expected

    # plotly.js, the map's base layer, the style sheet and script sit beside the pages; nothing
    # is loaded from the network
    assert (site / "plotly.min.js").stat().st_size > 1_000_000
    assert "asia_50m" in (site / "geo-asia.js").read_text(encoding="utf-8")
    assert (site / "site.css").stat().st_size and (site / "site.js").stat().st_size
    for name, text in pages.items():  # every chart's data is downloadable beside its page
        for href in re.findall(r'href="(data/[^"]+\.csv)"', text):
            assert (site / href).read_text(encoding="utf-8-sig").count("\n") >= 2, (name, href)
        assert text.count('class="chart"') <= len(re.findall(r'class="downloads"><a href="data/', text)), name
    assert 'href="../khcn_benchmark.xlsx"' in pages["index.html"]
    for name, text in pages.items():
        sources = re.findall(r"<script[^>]*\bsrc=\"([^\"]*)\"", text)
        assert "plotly.min.js" in sources and "site.js" in sources, name
        assert not [s for s in sources if re.match(r"(https?:)?//", s)], (name, sources)
        assert not re.search(r"<link[^>]+href=\"(https?:)?//", text), name
    assert 'src="geo-asia.js"' in pages["index.html"]

    index = pages["index.html"]
    for name in ("Hưng Yên", "Hải Dương", "Tây Ninh", "Hà Nam", "Bắc Ninh"):
        assert name in index
    assert "Không nêu" in index and "Tổng quan" in index
    for key in keys:
        assert f'href="province-{key.replace("/", "-")}.html"' in index
    assert "569/QĐ-TTg" in pages["spending.html"]  # the national target band and its source
    hung_yen = pages["province-33.html"]
    assert "Trích dẫn nguyên văn" in hung_yen and "I.2.b" in hung_yen  # targets with quote and section

    assert_escaped(pages)
    assert "&lt;script&gt;alert(1).txt" in pages["province-27.html"]  # the file name, as text


@pytest.mark.slow
def test_every_page_shows_the_national_reference_where_the_catalog_has_one(pipeline_run: Path) -> None:
    site = pipeline_run / "marts" / "dashboard"
    pages = pages_of(site)
    national = pl.read_csv(REPO / "dbt_project" / "seeds" / "national_targets.csv", infer_schema_length=0)
    with_national = set(national["indicator_code"])
    matrix = pl.read_parquet(pipeline_run / "marts" / "mart_indicator_matrix.parquet")
    stated = matrix.filter(pl.col("status") == "stated")
    # the overview matrix has a national column, the analysis pages a national row
    assert "Chỉ tiêu quốc gia" in pages["index.html"].split('id="matrix"')[1].split('id="map"')[0]
    for name in ("spending.html", "ip-enterprises.html", "benchmark.html"):
        assert '<tr class="national">' in pages[name], name
        assert re.search(r"quốc gia 20\d\d: ", pages[name]), name
    # a province page shows "quốc gia <year>: …" exactly when it states an indicator the catalog has
    for key in set(stated["province_key"]):
        page = pages[f"province-{key.replace('/', '-')}.html"]
        mine = set(stated.filter(pl.col("province_key") == key)["indicator_code"])
        assert bool(re.search(r"quốc gia 20\d\d: ", page)) == bool(mine & with_national), key
    # a provincial 2025 target beside a national 2030 one is context with both years, not a verdict
    other_year = stated.filter(pl.col("indicator_code").is_in(list(with_national)))
    years = {(r["indicator_code"], r["target_year"]) for r in other_year.iter_rows(named=True)}
    national_years = {(r["indicator_code"], int(r["target_year"])) for r in national.iter_rows(named=True)}
    if any(code_year not in national_years for code_year in years):
        assert "khác năm" in "".join(pages.values())


# ---------------------------------------------------------------- synthetic marts


def write_marts(folder: Path, tables: dict[str, list[dict]]) -> Path:
    """Parquet marts from a few rows each; columns not given are filled in by the loader."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        schema = {k: v for k, v in COLUMNS[name].items() if k in rows[0]} if rows else COLUMNS[name]
        pl.DataFrame(rows, schema=schema).write_parquet(folder / f"{name}.parquet")
    return folder


def hostile_marts(folder: Path) -> Path:
    """One province whose every document-derived string carries both payloads."""
    bad = f"{SCRIPT} {IMG}"
    place = {"province_code": "27", "province_key": "27", "province_name": f"Bắc Ninh {bad}"}
    place |= {"successor_code": "24", "successor_name": f"Bắc Ninh {bad}"}
    target = {
        **place,
        "target_id": "t1",
        "document_id": "d1",
        "doc_number": f"77/KH-UBND {bad}",
        "target_type": "level",
        "bound": "range",
        "value_min": 1.0,
        "value_max": 1.5,
        "unit": "% GRDP",
        "target_year": 2025,
        "qualitative": False,
        "quote": f"đạt 1–1,5% GRDP {bad}",
        "section": f"I.2 {bad}",
    }
    ip = target | {"target_id": "t2", "indicator_code": "st_enterprises", "unit": f"doanh nghiệp {bad}"}
    ip |= {"target_type": "increase_by", "bound": "eq", "value_min": 5.0, "value_max": 5.0}
    return write_marts(
        folder,
        {
            "dim_document": [
                {
                    **place,
                    "document_id": "d1",
                    "file_name": f"{bad}.txt",
                    "doc_type": "Kế hoạch",
                    "doc_number": f"77/KH-UBND {bad}",
                    "title": f"Kế hoạch {bad}",
                    "issuer": f"UBND {bad}",
                    "issuer_level": "province",
                    "signer": f"Nguyễn Văn {bad}",
                    "flags": bad,
                }
            ],
            "fct_indicator_target": [
                {
                    **target,
                    "indicator_code": "rd_spend_pct_grdp",
                    "indicator_name_vi": f"Chi {bad}",
                    "indicator_name_en": f"Spend {bad}",
                    "label": bad,
                    "confidence": 0.9,
                }
            ],
            "mart_indicator_matrix": [
                {
                    **target,
                    "indicator_code": "rd_spend_pct_grdp",
                    "indicator_name_vi": f"Chi {bad}",
                    "indicator_name_en": f"Spend {bad}",
                    "status": "stated",
                    "status_vi": f"Có nêu {bad}",
                    "cell_text": f"1–1,5% {bad}",
                    "is_newest": True,
                },
                {
                    **ip,
                    "indicator_name_vi": f"DN KH&CN {bad}",
                    "indicator_name_en": f"S&T firms {bad}",
                    "status": "stated",
                    "cell_text": f"+5 {bad}",
                    "is_newest": True,
                },
            ],
            "mart_indicator_comparison": [
                {
                    **target,
                    "indicator_code": "rd_spend_pct_grdp",
                    "national_source_doc": f"569/QĐ-TTg {bad}",
                    "national_min": 1.2,
                    "national_max": 1.5,
                    "national_comparison": "within",
                    "grdp_year": 2023,
                    "grdp_bn_vnd": 200000.0,
                    "money_min_bn_vnd": 2000.0,
                    "money_max_bn_vnd": 3000.0,
                }
            ],
            "mart_policy_alignment": [
                {
                    **place,
                    "document_id": "d1",
                    "citing_doc_number": bad,
                    "canonical": f"52-NQ/TW {bad}",
                    "citation_tier": "party_central",
                    "occurrences": 2,
                    "first_quote": f"Nghị quyết {bad}",
                }
            ],
            "fct_citation": [
                {
                    **place,
                    "document_id": "d1",
                    "canonical": f"52-NQ/TW {bad}",
                    "citation_tier": "party_central",
                    "occurrences": 2,
                    "first_quote": f"Nghị quyết {bad}",
                }
            ],
            "mart_theme_coverage": [
                {
                    **place,
                    "theme_code": "ip",
                    "theme_name_vi": f"Sở hữu trí tuệ {bad}",
                    "theme_name_en": f"IP {bad}",
                    "mentions": 3,
                    "sections": 1,
                    "plans_mentioning": 1,
                    "plans": 1,
                    "text_share": 0.5,
                }
            ],
            "mart_province_profile": [{**place, "plans": 1, "targets": 1, "indicators_stated": 2}],
            "dim_province": [{**place, "latitude": 21.18, "longitude": 106.07}],
            "dim_indicator": [
                {"indicator_code": "rd_spend_pct_grdp", "name_vi": f"Chi {bad}", "name_en": bad},
            ],
            "mart_rejected_documents": [{"file_name": f"{bad}.pdf", "reason": f"không đọc được {bad}"}],
        },
    )


def test_every_document_string_is_escaped_in_tables_and_charts(tmp_path: Path) -> None:
    marts = hostile_marts(tmp_path / "marts")
    pages = pages_of(build_site(marts, tmp_path / "site")[0].parent)
    assert "province-27.html" in pages
    assert_escaped(pages)
    # inside the plotly figures too (hover text, tick labels), not only in the HTML tables
    scripts = "".join(pages.values()).split("Plotly.newPlot(")[1:]
    figures = [script.split("</script>")[0] for script in scripts]
    assert len(figures) >= 6 and all("&lt;script&gt;alert(1)" in f for f in figures)


def test_review_status_shows_where_the_marts_carry_it_and_nowhere_else(tmp_path: Path) -> None:
    marts = hostile_marts(tmp_path / "marts")
    without = pages_of(build_site(marts, tmp_path / "site-before")[0].parent)
    assert not any("only-checked" in text or "review-needs_review" in text for text in without.values())
    # the review loop adds review_status to fct_indicator_target: one target checked, one not
    targets = pl.read_parquet(marts / "fct_indicator_target.parquet")
    second = targets.with_columns(
        pl.lit("t2").alias("target_id"), pl.lit("st_enterprises").alias("indicator_code")
    )
    reviewed = pl.concat([targets, second]).with_columns(review_status=pl.Series(["auto", "verified"]))
    reviewed.write_parquet(marts / "fct_indicator_target.parquet")
    orphan = {
        "target_id": "gone",
        "review_outcome": "orphan",
        "reviewer": SCRIPT,
        "note": IMG,
        "review_file": "a.csv",
    }
    pl.DataFrame([orphan]).write_parquet(marts / "fct_target_review.parquet")
    pages = pages_of(build_site(marts, tmp_path / "site-after")[0].parent)
    province = pages["province-27.html"]
    assert 'id="only-checked"' in province and '<tr class="needs-review">' in province
    assert "review-needs_review" in province and "review-checked" in province
    assert ">⚠ auto<" not in province and "⚠ cần kiểm tra" in province  # a status code never shows
    assert "cần kiểm tra" in province and "đã kiểm tra" in province
    assert "chỉ tiêu cần kiểm tra" in pages["index.html"]  # the count per province
    matrix = pages["index.html"].split('id="matrix"')[1].split('id="map"')[0]
    assert "Kiểm tra: cần kiểm tra" in matrix and "⚠" in matrix  # hover and marker in the cell
    assert 'id="only-checked"' in pages["spending.html"] and "cần kiểm tra" in pages["spending.html"]
    assert "không còn khớp chỉ tiêu nào" in pages["index.html"]  # the orphaned decision is listed, escaped
    assert_escaped({"index.html": pages["index.html"]})


def test_sparse_or_missing_marts_still_build(tmp_path: Path) -> None:
    empty = write_marts(tmp_path / "empty", {name: [] for name in COLUMNS})
    for marts in (empty, tmp_path / "no-files-at-all"):
        out = tmp_path / f"site-{marts.name}"
        written = build_site(marts, out)
        for page in written:
            assert "only-checked" not in page.read_text(encoding="utf-8")  # no review column, no filter
        assert {p.name for p in written} == PAGES
        for page in written:
            assert "Chưa có dữ liệu" in page.read_text(encoding="utf-8"), page.name


def test_a_failed_build_leaves_the_previous_site_whole(tmp_path: Path) -> None:
    out = tmp_path / "dashboard"
    swap_in({"index.html": "old", "a.html": "old"}, out)
    with pytest.raises(TypeError):  # dies half-way through writing the new site
        swap_in({"index.html": "new", "broken.html": None}, out)  # type: ignore[dict-item]
    assert {p.name: p.read_text() for p in out.iterdir()} == {"index.html": "old", "a.html": "old"}
    assert [p.name for p in tmp_path.iterdir()] == ["dashboard"], "no staging folder left behind"
    swap_in({"index.html": "new"}, out)
    assert [p.name for p in out.iterdir()] == ["index.html"] and (out / "index.html").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["dashboard"]
    assert out.stat().st_mode & 0o755 == 0o755, "readable from a file share"


# ---------------------------------------------------------------- in a real browser

CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed")


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """One headless Chromium for the module's page visits, a fresh tab each (dashboards/browser.py)."""
    with headless(CHROMIUM or "chromium", tmp_path_factory.mktemp("chromium")) as browser:
        yield browser


def js_errors(dom: str) -> list[str] | None:
    found = re.search(r'<body[^>]*data-js-errors="([^"]*)"', dom)
    return None if found is None else json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


@pytest.mark.slow
@pytest.mark.browser
@needs_chromium
def test_every_page_renders_in_chromium_without_errors(
    pipeline_run: Path, chromium: Browser, tmp_path: Path
) -> None:
    # the probe itself catches errors: a page with a broken script reports it
    broken = tmp_path / "broken.html"
    broken.write_text(
        f"<html><head><script>{ERROR_PROBE}</script></head><body><script>notDefined()</script></body></html>"
    )
    with chromium.open(broken.as_uri()) as tab:
        errors = js_errors(tab.dom())
    assert errors and "notDefined" in errors[0]

    site = pipeline_run / "marts" / "dashboard"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    doms = {}
    for page in sorted(site.glob("*.html")):  # each page in a tab of its own: its DOM and its screenshot
        shot = SCREENSHOTS / f"{page.stem}.png"
        shot.unlink(missing_ok=True)
        with chromium.open(page.as_uri()) as tab:
            dom = tab.dom()
            tab.screenshot(shot)
        assert js_errors(dom) == [], (page.name, js_errors(dom))
        charts = page.read_text(encoding="utf-8").count('class="chart"')
        assert dom.count('class="plot-container') == charts, page.name  # every chart drew
        assert charts or not page.name.endswith(("index.html", "spending.html", "themes.html")), page.name
        if page.name.startswith("province-"):
            assert "<table>" in dom and "Kế hoạch" in dom
        assert shot.exists() and shot.stat().st_size > 20_000, shot.name
        doms[page.name] = dom
    index = doms["index.html"]
    assert index.count('class="plot-container') == 2  # matrix and map
    assert 'class="layer land"' in index, "the map's base layer drew offline"
    for name in ("Hưng Yên", "Hải Dương", "Tây Ninh", "Hà Nam", "Bắc Ninh"):
        assert name in index
    # English: the toggle also translates chart axes and titles
    screenshot(chromium, (site / "index.html").as_uri() + "#lang-en", SCREENSHOTS / "index-en.png")
    screenshot(chromium, (site / "index.html").as_uri() + "#map-34", SCREENSHOTS / "index-map-34.png", 2600)


def screenshot(chromium: Browser, uri: str, shot: Path, height: int = 2000) -> None:
    shot.unlink(missing_ok=True)
    with chromium.open(uri, height=height) as tab:
        tab.screenshot(shot)
    assert shot.exists() and shot.stat().st_size > 20_000, shot.name


def test_a_browser_that_dies_hangs_or_is_missing_costs_the_pdfs_never_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hangs = tmp_path / "hangs"
    hangs.write_text("#!/bin/sh\nexec sleep 60\n")
    hangs.chmod(0o755)
    open_files = len(os.listdir("/proc/self/fd"))
    for executable, error in (
        (shutil.which("true"), "exited"),
        (str(hangs), "did not answer in time"),
        (str(tmp_path / "no-such-browser"), "did not start"),
    ):
        with pytest.raises(BrowserError, match=error):
            with headless(executable, tmp_path / "profile", timeout=1) as browser:
                with browser.open((tmp_path / "page.html").as_uri()):
                    pass
    assert len(os.listdir("/proc/self/fd")) == open_files, "no pipe end left open"
    site = tmp_path / "site"
    (site / "province-01.html").parent.mkdir()
    (site / "province-01.html").write_text("<p>Hà Nội</p>", encoding="utf-8")
    assert print_profiles(site, chrome=shutil.which("true")) == []
    assert "Ngừng in PDF sau 0 trang" in capsys.readouterr().err
    assert list((site / "pdf").iterdir()) == [], "no PDF, and no empty one"


def test_a_profile_that_could_not_be_printed_is_not_linked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    crashes = tmp_path / "bin" / "chromium"  # found first on PATH: a browser that crashes at start
    crashes.parent.mkdir()
    crashes.write_text("#!/bin/sh\nexit 1\n")
    crashes.chmod(0o755)
    monkeypatch.setenv("PATH", f"{crashes.parent}{os.pathsep}{os.environ['PATH']}")
    site = build_site(hostile_marts(tmp_path / "marts"), tmp_path / "site", pdf=True)[0].parent
    assert "Ngừng in PDF" in capsys.readouterr().err
    pages = sorted(site.glob("province-*.html"))
    assert pages and not list((site / "pdf").iterdir())
    for page in pages:
        assert "pdf/province-" not in page.read_text(encoding="utf-8"), f"{page.name} links a missing PDF"
    assert 'id="print"' in (site / "province-27.html").read_text(encoding="utf-8"), "the print button stays"


@pytest.mark.browser
@needs_chromium
def test_the_pdf_command_prints_a_site_given_relative_to_where_it_runs(tmp_path: Path) -> None:
    site = build_site(hostile_marts(tmp_path / "marts"), tmp_path / "site")[0].parent
    command = [sys.executable, "-m", "dashboards.pdf"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [*command, "site"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert (site / "pdf" / "province-27.pdf").stat().st_size > 0
    assert done.stdout.startswith("Đã in ") and "Warning" not in done.stderr
    missing = subprocess.run([*command, "no-site"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert missing.returncode == 1 and "Không có thư mục" in missing.stderr


ARCHIPELAGOS = ("Quần đảo Hoàng Sa", "Quần đảo Trường Sa")


def drawn_units(dom: str) -> int:
    return dom.count('class="choroplethlocation"')


@pytest.mark.slow
@pytest.mark.browser
@needs_chromium
def test_the_map_draws_both_archipelagos_and_both_unit_schemes(pipeline_run: Path, chromium: Browser) -> None:
    site = pipeline_run / "marts" / "dashboard"
    documents = pl.read_parquet(pipeline_run / "marts" / "dim_document.parquet")
    legacy = documents.filter(~pl.col("province_key").str.ends_with("/2025"))
    islands = json.loads(
        (REPO / "dashboards" / "assets" / "vn_archipelagos.geojson").read_text(encoding="utf-8")
    )
    island_parts = sum(len(f["geometry"]["coordinates"]) for f in islands["features"])
    for view, units, with_plans in (
        ("#map-63", 63, legacy["province_code"].n_unique()),
        ("#map-34", 34, documents["successor_code"].n_unique()),
    ):
        with chromium.open((site / "index.html").as_uri() + view) as tab:
            dom = tab.dom()
        assert js_errors(dom) == [], (view, js_errors(dom))
        # every unit's shape in grey, and over it the units with plans in colour
        assert drawn_units(dom) == units + with_plans, view
        for name in ARCHIPELAGOS:  # drawn as Vietnamese territory and labelled, in both views
            assert f'<tspan style="font-weight:bold">{name}</tspan></text>' in dom, (view, name)
        points = dom.split('class="trace scattergeo"')[1]  # the islands, before 'Biển Đông'
        assert points.count('class="point"') >= island_parts + 2, view
    # the vendored shapes join the marts by code: every 2025 unit code, every pre-2025 code
    provinces = pl.read_parquet(pipeline_run / "marts" / "dim_province.parquet")
    units_2025 = pl.read_parquet(pipeline_run / "marts" / "dim_province_2025.parquet")
    for file, codes in (("vn_provinces_63.geojson", provinces), ("vn_provinces_34.geojson", units_2025)):
        shapes = json.loads((REPO / "dashboards" / "assets" / file).read_text(encoding="utf-8"))
        assert {f["properties"]["code"] for f in shapes["features"]} == set(codes["province_code"]), file


@pytest.mark.slow
@pytest.mark.browser
@needs_chromium
def test_a_province_profile_prints_on_one_page(pipeline_run: Path, chromium: Browser) -> None:
    from pypdf import PdfReader

    site = pipeline_run / "marts" / "dashboard"
    targets = pl.read_parquet(pipeline_run / "marts" / "fct_indicator_target.parquet")
    busiest = (
        targets.group_by("province_key")
        .len()
        .sort(["len", "province_key"], descending=True)["province_key"][0]
    )
    page = site / f"province-{busiest.replace('/', '-')}.html"
    pdf = SCREENSHOTS.parent / f"profile-{page.stem}.pdf"
    pdf.parent.mkdir(parents=True, exist_ok=True)
    pdf.unlink(missing_ok=True)
    with chromium.open(page.as_uri()) as tab:
        tab.pdf(pdf)
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1, f"{pdf.name}: {len(reader.pages)} pages"
    text = reader.pages[0].extract_text()
    assert "quốc gia" in text and "Các tỉnh cùng vùng" in text  # national targets and region peers


@pytest.mark.browser
@needs_chromium
def test_build_site_prints_the_province_profiles_to_pdf(tmp_path: Path) -> None:
    from pypdf import PdfReader

    site = build_site(hostile_marts(tmp_path / "marts"), tmp_path / "site", pdf=True)[0].parent
    pdf = site / "pdf" / "province-27.pdf"
    assert 'href="pdf/province-27.pdf"' in (site / "province-27.html").read_text(encoding="utf-8")
    assert len(PdfReader(pdf).pages) == 1
    assert "569/QĐ-TTg" in PdfReader(pdf).pages[0].extract_text()  # the national target, printed
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], "no staging folder left"


@pytest.mark.slow
def test_the_fallback_target_text_writes_what_dbt_writes(pipeline_run: Path) -> None:
    """One way to write a target: for marts without value_text_vi the dashboards' formatter must
    produce exactly the text dbt's macro produced for the same target."""
    from dashboards.text import value_text

    targets = pl.read_parquet(pipeline_run / "marts" / "fct_indicator_target.parquet")
    assert "value_text_vi" in targets.columns, "dbt writes the display text of every target"
    rows = targets.filter(~pl.col("qualitative").fill_null(False)).to_dicts()
    assert rows
    for row in rows:
        assert value_text({**row, "value_text_vi": None}) == row["value_text_vi"], row["target_id"]


def test_provinces_sort_in_vietnamese_alphabetical_order() -> None:
    from pipelines.text.vietnamese import collation_key as vi_key

    names = [
        r["province_name"]
        for r in csv.DictReader((REPO / "dbt_project/seeds/provinces.csv").open(encoding="utf-8"))
    ]
    ordered = sorted(names, key=vi_key)
    initials = [unicodedata.normalize("NFD", n)[0].lower() if not n.startswith("Đ") else "đ" for n in ordered]
    alphabet = "abcdđeghiklmnopqrstuvxy"
    assert initials == sorted(initials, key=alphabet.index), ordered  # Đ after D, before E/G
    # letters before tones, syllable by syllable: how a Vietnamese dictionary orders them
    chain = [
        "Hà Giang",
        "Hà Nam",
        "Hà Nội",
        "Hà Tĩnh",
        "Hải Dương",
        "Hải Phòng",
        "Hậu Giang",
        "Hòa Bình",
        "Hồ Chí Minh",
    ]
    assert [n for n in ordered if n in chain] == chain


def test_chart_csvs_never_hand_excel_a_formula(tmp_path: Path) -> None:
    marts = hostile_marts(tmp_path / "marts")
    themes = pl.read_parquet(marts / "mart_theme_coverage.parquet")
    themes.with_columns(pl.lit('=HYPERLINK("http://x")').alias("theme_name_vi")).write_parquet(
        marts / "mart_theme_coverage.parquet"
    )
    site = build_site(marts, tmp_path / "site")[0].parent
    text = (site / "data" / "themes-heatmap.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and ',"=HYPERLINK' not in text and ",=HYPERLINK" not in text


class VisibleText(HTMLParser):
    """The text a person reads on a page: no script, no style, no attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


@pytest.mark.slow
def test_no_page_shows_a_machine_code(pipeline_run: Path) -> None:
    indicators = pl.read_parquet(pipeline_run / "marts" / "dim_indicator.parquet")["indicator_code"].to_list()
    labels = pl.read_csv(REPO / "dbt_project" / "seeds" / "labels_vi.csv", infer_schema_length=0)
    codes = {c for c in [*indicators, *labels["code"].to_list()] if "_" in c and not c.endswith("*")}
    codes |= {"auto", "verified", "corrected"}  # the review loop's statuses
    for name, text in pages_of(pipeline_run / "marts" / "dashboard").items():
        parser = VisibleText()
        parser.feed(text)
        visible = " ".join(parser.parts)
        shown = sorted(c for c in codes if re.search(rf"(?<![\w/.-]){re.escape(c)}(?![\w/.-])", visible))
        assert not shown, (name, shown)
