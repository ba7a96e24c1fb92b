"""What a file really is, from its first bytes, whatever its name says.

A PDF saved as ".docx" or an old Word ".doc" renamed ".docx" must be refused with a message
that names what it really is; the readers ask `sniff` before they parse anything.
"""

from __future__ import annotations

import codecs


def sniff(data: bytes) -> str | None:
    """What a file really is, from its first bytes (None: nothing recognised)."""
    head = data[:1024].lstrip()
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if b"%PDF-" in data[:1024]:  # PDF readers accept up to 1 KB of junk before the header
        return "pdf"
    lowered = head.lstrip(codecs.BOM_UTF8).lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "html"
    return None


SNIFF_NAMES = {
    "pdf": "a PDF file: rename it to .pdf",
    "zip": "a ZIP package (a .docx/.xlsx or an archive): rename it to its real type",
    "ole": "an old Microsoft Office file (.doc/.xls) or a password-protected Office file: "
    "open it, remove any password and save it as .docx",
    "rtf": "a Rich Text (.rtf) file: open it in Word and save it as .docx",
    "html": "a web page: rename it to .html",
}
