"""One file to send by e-mail: the dashboard site and the workbook in a zip, written atomically."""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

WORKBOOK = "khcn_benchmark.xlsx"
DASHBOARD = "dashboard"


def share_members(marts: Path) -> list[tuple[Path, str]]:
    """(file, name in the zip): the workbook at the top, the site under dashboard/ (index.html,
    its pages, plotly.js and the map data beside them, so it opens offline once unzipped)."""
    members = [(marts / WORKBOOK, WORKBOOK)] if (marts / WORKBOOK).is_file() else []
    site = marts / DASHBOARD
    if site.is_dir():
        members += [
            (path, f"{DASHBOARD}/{path.relative_to(site).as_posix()}")
            for path in sorted(site.rglob("*"))
            if path.is_file() and not path.is_symlink()
        ]
    return members


def write_share_zip(marts: Path, name: str) -> Path:
    """Write marts/<name>: built beside its final name, renamed into place when complete, so a
    reader never sees half a zip. Returns its path."""
    target = marts / name
    handle, staging = tempfile.mkstemp(prefix=".share-", suffix=".zip", dir=marts)
    os.close(handle)
    try:
        with zipfile.ZipFile(staging, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path, arcname in share_members(marts):
                archive.write(path, arcname)
        os.chmod(staging, 0o644)
        os.replace(staging, target)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise
    return target
