"""One-page PDF profiles of the provinces, printed by headless Chromium where it is installed.

    python -m dashboards.pdf data/marts/dashboard      # print every province page of a built site

`build_site(..., pdf=True)` (or KHCN_DASHBOARD_PDF=1) prints them into `pdf/` while the new site is
still in its staging folder, so a failed print never leaves a half-written site. Without
Chromium nothing is printed and the pages keep their print button (print CSS, A4 landscape).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-pdf-header-footer",
    "--virtual-time-budget=15000",
]


def browser() -> str | None:
    """The headless browser on PATH, or None."""
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def pdf_name(page: Path) -> str:
    return f"pdf/{page.stem}.pdf"


def print_profiles(site: Path, chrome: str | None = None) -> list[Path]:
    """Print every province page of `site` to `site/pdf/<page>.pdf`; the PDFs written."""
    chrome = chrome or browser()
    if chrome is None:
        return []
    (site / "pdf").mkdir(exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="khcn-chromium-") as profile:
        for page in sorted(site.glob("province-*.html")):
            target = site / pdf_name(page)
            command = [
                chrome,
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--print-to-pdf={target}",
                page.as_uri(),
            ]
            subprocess.run(command, capture_output=True, timeout=180, check=False)
            if target.exists() and target.stat().st_size > 0:
                written.append(target)
    return written


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "data/marts/dashboard")
    printed = print_profiles(folder)
    print(
        f"{len(printed)} PDF profiles in {folder / 'pdf'}"
        if printed
        else "no Chromium found: nothing printed"
    )
