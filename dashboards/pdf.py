"""One-page PDF profiles of the provinces, printed by headless Chromium where it is installed.

    python -m dashboards.pdf data/marts/dashboard      # print every province page of a built site

`build_site(..., pdf=True)` (or KHCN_DASHBOARD_PDF=1) prints them into `pdf/` while the new site is
still in its staging folder, so a failed print never leaves a half-written site. Without
Chromium nothing is printed and the pages keep their print button (print CSS, A4 landscape).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from dashboards.browser import BrowserError, headless

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def browser() -> str | None:
    """The headless browser on PATH, or None."""
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def pdf_name(page: Path) -> str:
    return f"pdf/{page.stem}.pdf"


def print_profiles(site: Path, chrome: str | None = None) -> list[Path]:
    """Print every province page of `site` to `site/pdf/<page>.pdf`, each in a tab of one browser;
    the PDFs written. A browser that dies or hangs ends the printing: the pages printed stay."""
    chrome = chrome or browser()
    if chrome is None:
        return []
    (site / "pdf").mkdir(exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="khcn-chromium-") as profile:
        try:
            with headless(chrome, Path(profile)) as tabs:
                for page in sorted(site.glob("province-*.html")):
                    with tabs.open(page.resolve().as_uri()) as tab:  # a site given relative to here
                        written.append(tab.pdf(site / pdf_name(page)))
        except BrowserError as error:
            print(f"Ngừng in PDF sau {len(written)} trang: {error}", file=sys.stderr)
    return [path for path in written if path.stat().st_size > 0]


def main(argv: list[str]) -> int:
    """`python -m dashboards.pdf [site]`: print a built site's profiles; 1 when none could be."""
    folder = Path(argv[0] if argv else "data/marts/dashboard")
    if not folder.is_dir():
        print(f"Không có thư mục trang tổng quan: {folder}", file=sys.stderr)
        return 1
    if browser() is None:
        print("Không tìm thấy Chromium: không in được hồ sơ PDF nào", file=sys.stderr)
        return 1
    printed = print_profiles(folder)
    print(f"Đã in {len(printed)} hồ sơ PDF vào {folder / 'pdf'}")
    return 0 if printed or not any(folder.glob("province-*.html")) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
