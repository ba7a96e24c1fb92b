"""Building the site: render every page, write it beside the old site, swap it into place.

A killed or failed build never leaves a half-written site: everything is written into a
temporary sibling folder, and only a complete folder is renamed into place.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from plotly.offline import get_plotlyjs

from dashboards.data import load_marts
from dashboards.pages import render_site
from dashboards.pdf import browser, pdf_name, print_profiles
from dashboards.province import pdf_link

ASSETS = Path(__file__).parent / "assets"
GEO_ASSET = ASSETS / "asia_50m.json"
STATIC = ("site.css", "site.js")


def geo_script() -> str:
    """The base map for the province map, preloaded so plotly.js never fetches it from its CDN."""
    topojson = GEO_ASSET.read_text(encoding="utf-8")
    return (
        "window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};\n"
        f'window.PlotlyGeoAssets.topojson["asia_50m"] = {topojson};\n'
    )


def build_site(marts_dir: Path, out_dir: Path, pdf: bool | None = None) -> list[Path]:
    """Write `out_dir/index.html`, the analysis pages and one page per province; returns the pages.

    plotly.js (`plotly.min.js`), the map's base layer (`geo-asia.js`), the style sheet and the
    script are written once beside the pages, which load them by relative path; every chart's
    data is in `data/<chart>.csv`. The folder works offline as it is. With `pdf` (default: the
    environment variable KHCN_DASHBOARD_PDF=1) and Chromium installed, every province profile is
    also printed to `pdf/province-<code>.pdf`, linked from its page.
    """
    printing = (os.environ.get("KHCN_DASHBOARD_PDF") == "1" if pdf is None else pdf) and browser() is not None
    files = render_site(load_marts(Path(marts_dir)), pdf_links=printing)
    static = {name: (ASSETS / name).read_text(encoding="utf-8") for name in STATIC}
    everything = {**files, **static, "plotly.min.js": get_plotlyjs(), "geo-asia.js": geo_script()}
    swap_in(everything, Path(out_dir), finish=print_linked_profiles if printing else None)
    return [Path(out_dir) / name for name in files if name.endswith(".html")]


def print_linked_profiles(site: Path) -> None:
    """Print every province profile; a page whose PDF could not be printed (the browser died or hung)
    loses its link to it, so the site never links a file that is not there."""
    printed = set(print_profiles(site))
    for page in sorted(site.glob("province-*.html")):
        if site / pdf_name(page) not in printed:
            text = page.read_text(encoding="utf-8")
            page.write_text(text.replace(str(pdf_link(page)), ""), encoding="utf-8")


def swap_in(files: dict[str, str], out_dir: Path, finish: Callable[[Path], object] | None = None) -> None:
    """Write `files` into a fresh sibling folder, then replace `out_dir` with it in two renames.

    `finish` runs on the complete staging folder before the swap (printing the PDF profiles)."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.parent.glob(f".{out_dir.name}.*-*"):  # left by a killed build
        shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; the site is for a file share
        for name, content in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        if finish is not None:
            finish(staging)
        if out_dir.exists():
            os.replace(out_dir, old / out_dir.name)
        try:
            os.replace(staging, out_dir)
        except OSError:
            if (old / out_dir.name).exists():
                os.replace(old / out_dir.name, out_dir)
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
