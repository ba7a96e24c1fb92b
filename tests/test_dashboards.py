"""The dashboard site: built from real marts, escaped, opening offline; checked in a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.test_pipeline import materialize_all

pytestmark = pytest.mark.slow

PAYLOADS = ("<script>alert('x')</script>", "<img src=x onerror=alert('x')>")
SCREENSHOTS = REPO / "test-output" / "screenshots"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pipeline run over the seeds plus a plan carrying HTML/script payloads in its title and a target."""
    import os

    data = tmp_path_factory.mktemp("dash") / "data"
    shutil.copytree(REPO / "data" / "raw" / "plans", data / "raw" / "plans")
    seed = (REPO / "data" / "raw" / "plans" / "002_c79b154f3d55b614.txt").read_text(encoding="utf-8")
    hostile = (
        seed.replace("4346/KH-UBND", "4399/KH-UBND")
        .replace(
            "KHOA HỌC, CÔNG NGHỆ VÀ ĐỔI MỚI SÁNG TẠO TỈNH HẢI DƯƠNG ĐẾN",
            f"KHOA HỌC {PAYLOADS[0]} TỈNH HẢI DƯƠNG ĐẾN",
        )
        .replace(
            "đổi mới sáng tạo đạt trên 15%", f"đổi mới sáng tạo {PAYLOADS[0]} {PAYLOADS[1]} đạt trên 15%"
        )
    )
    (data / "raw" / "plans" / "hostile.txt").write_text(hostile, encoding="utf-8")
    saved = {k: os.environ.get(k) for k in ("KHCN_DATA_DIR", "KHCN_WAREHOUSE")}
    os.environ["KHCN_DATA_DIR"] = str(data)
    try:
        assert materialize_all(data).success
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)
    return data / "marts" / "dashboard"


def test_site_has_every_page_offline_and_escapes_document_text(site: Path) -> None:
    pages = sorted(site.glob("*.html"))
    names = {p.name for p in pages}
    assert (
        "index.html" in names
        and {"province-30.html", "province-33.html", "province-35.html", "province-72.html"} <= names
    )
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "Plotly" in index and not re.search(r"<script[^>]+src=['\"]https?:", index), (
        "plotly.js must be inline"
    )
    assert "Hưng Yên" in index and "Không nêu trong kế hoạch" in index
    hostile_page = (site / "province-30.html").read_text(encoding="utf-8")
    # the payload sits inside a target's quote: shown as text, never as markup
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in hostile_page
    assert "&lt;img src=x onerror=alert(&#x27;x&#x27;)&gt;" in hostile_page
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for payload in PAYLOADS:
            assert payload not in text, (page.name, payload)


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("chromium") is None, reason="headless Chromium not installed")
def test_every_page_renders_in_a_browser_without_javascript_errors(site: Path, tmp_path: Path) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    flags = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--virtual-time-budget=10000",
    ]
    for page in sorted(site.glob("*.html")):
        url = page.as_uri()
        dom = subprocess.run(
            ["chromium", *flags, "--dump-dom", url], capture_output=True, text=True, timeout=120
        ).stdout
        errors = re.search(r"<html[^>]*data-js-errors=\"([^\"]*)\"", dom)
        assert errors is None, f"JavaScript error on {page.name}: {errors.group(1) if errors else ''}"
        if page.name == "index.html":
            assert dom.count("main-svg") >= 5, "every chart should have rendered"
            assert "Hưng Yên" in dom and "Hải Dương" in dom
        else:
            assert "<table>" in dom
        shot = SCREENSHOTS / f"{page.stem}.png"
        subprocess.run(
            ["chromium", *flags, "--window-size=1400,2200", f"--screenshot={shot}", url],
            capture_output=True,
            timeout=120,
        )
        assert shot.exists() and shot.stat().st_size > 10_000
