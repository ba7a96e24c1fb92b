"""PDF files with a text layer: page by page in reading order, line breaks kept.

Official plans are mostly PDFs exported from Word, sometimes scans, sometimes protected or
cut short by a download. Each of those is decided here, never guessed: a scan is refused
(`needs_ocr`) rather than returned empty, a permissions-only protection is removed with the
empty password, and a file that ends before its end-of-file marker is refused because its last
pages (signature, appendix tables) would be silently missing. pypdf's warnings about harmless
oddities of real-world PDFs are silenced only while a PDF is being read.
"""

from __future__ import annotations

import contextlib
import io
import logging
import unicodedata
import warnings
from collections.abc import Iterator
from typing import Any

from pipelines.formats.errors import UnreadableDocument
from pipelines.formats.result import LETTER, ExtractedText, clean_lines, finish
from pipelines.formats.sniffing import SNIFF_NAMES, sniff

_EOF_WINDOW = 64 * 1024
_MIN_PAGE_LETTERS = 10


@contextlib.contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """Silence pypdf's warnings about harmless oddities of real-world PDFs while reading."""
    logger = logging.getLogger("pypdf")
    previous = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(previous)


def read_pdf(data: bytes) -> ExtractedText:
    """A PDF's text (see the module docstring); refused when it cannot be read completely."""
    start = _pdf_start(data)
    notes: list[str] = []
    with _quiet_pypdf():
        reader, page_count = _open_pdf(data[start:], notes)
        pages = _page_texts(reader, page_count)
    text = _text_of_pages(pages, notes)
    return finish(text, "pdf", notes, garbled_code="needs_ocr")


def _pdf_start(data: bytes) -> int:
    """Offset of the PDF header (readers accept up to 1 KB of junk before it), after checking the
    file has a header and is not cut short."""
    start = data.find(b"%PDF-", 0, 1024)
    if start < 0:
        kind = sniff(data)
        what = f": it is really {SNIFF_NAMES[kind]}" if kind and kind != "pdf" else ""
        raise UnreadableDocument(
            "corrupt_pdf",
            f"the file is named .pdf but has no PDF header{what}; get the original PDF again",
        )
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise UnreadableDocument(
            "corrupt_pdf",
            "the PDF is truncated (no end-of-file marker): it was cut short, e.g. by an interrupted "
            "download; get the complete file again",
        )
    return start


def _open_pdf(data: bytes, notes: list[str]) -> tuple[Any, int]:
    """A pypdf reader and its page count (at least one), decrypted with the empty password when that
    is enough."""
    from pypdf import PdfReader  # imported here: only PDFs need pypdf

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            _decrypt(reader)
            notes.append("PDF protection removed with the empty password (permissions-only protection)")
        page_count = len(reader.pages)
    except UnreadableDocument:
        raise
    except Exception as exc:  # pypdf raises many types on damaged files
        raise UnreadableDocument(
            "corrupt_pdf",
            f"the PDF is damaged and cannot be read ({type(exc).__name__}: {exc}); get the original file again",
        ) from exc
    if page_count == 0:
        raise UnreadableDocument("corrupt_pdf", "the PDF has no pages; get the original file again")
    return reader, page_count


def _decrypt(reader: Any) -> None:
    """Open an encrypted PDF with the empty password (permissions-only protection), or refuse it."""
    from pypdf.errors import DependencyError

    try:
        opened = reader.decrypt("")
    except DependencyError as exc:
        raise UnreadableDocument(
            "encrypted_pdf",
            f"the PDF is encrypted with a method this installation cannot open ({exc}); "
            "print it to a new PDF or export it again without protection",
        ) from exc
    if not opened:
        raise UnreadableDocument(
            "encrypted_pdf",
            "the PDF is password-protected; ask the sender for an unprotected copy, "
            "or open it with the password and save/print it as a new PDF",
        )


def _page_texts(reader: Any, page_count: int) -> list[str]:
    """The text layer of every page; a damaged page must not silently drop out of the text."""
    pages: list[str] = []
    for number in range(page_count):
        try:
            pages.append(reader.pages[number].extract_text() or "")
        except Exception as exc:
            raise UnreadableDocument(
                "corrupt_pdf",
                f"page {number + 1} of the PDF is damaged ({type(exc).__name__}: {exc}); "
                "get the original file again, or print it to a new PDF",
            ) from exc
    return pages


def _text_of_pages(pages: list[str], notes: list[str]) -> str:
    """The pages joined, after refusing a scan and a text layer of meaningless codes."""
    page_count = len(pages)
    empty = [i + 1 for i, text in enumerate(pages) if len(LETTER.findall(text)) < _MIN_PAGE_LETTERS]
    if len(empty) * 2 > page_count:
        raise UnreadableDocument(
            "needs_ocr",
            f"scanned PDF without a text layer ({len(empty)} of {page_count} page(s) have no text): "
            "run OCR first (e.g. save it as a searchable PDF) or add the original Word file",
        )
    if empty:
        notes.append(
            f"page(s) {_page_list(empty)} have (almost) no text layer (scanned or blank pages?): "
            "check that nothing is missing"
        )
    # Pages without any text add nothing; the others keep their own line breaks.
    text = "\n".join(clean_lines(page).strip("\n") for page in pages if page.strip())
    garbage = sum(1 for c in text if unicodedata.category(c) in ("Co", "Cn") or c == "\ufffd")
    if garbage > 0.05 * max(1, len(text.replace(" ", "").replace("\n", ""))):
        raise UnreadableDocument(
            "needs_ocr",
            "the PDF's text layer is garbled (its fonts have no Unicode map, so the characters are "
            "meaningless codes); run OCR on the PDF, or export it again from the original Word file",
        )
    return text


def _page_list(pages: list[int]) -> str:
    shown = ", ".join(str(p) for p in pages[:20])
    return shown + (f" and {len(pages) - 20} more" if len(pages) > 20 else "")
