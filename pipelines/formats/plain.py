"""Plain text and Markdown files (.txt, .md): their encoding found, or refused.

A file named .txt is often something else (a web page saved as text, a PDF or Word file
renamed): the first bytes decide, so a web page is read as one and a binary file is refused
with a message that names what it really is.
"""

from __future__ import annotations

from pipelines.formats.decoding import decode_text_bytes
from pipelines.formats.errors import UnreadableDocument
from pipelines.formats.result import ExtractedText, finish
from pipelines.formats.sniffing import SNIFF_NAMES, sniff
from pipelines.formats.web import read_html


def read_plain(data: bytes) -> ExtractedText:
    """A .txt/.md file: find its encoding, refusing anything we cannot recognise."""
    kind = sniff(data)
    if kind == "html":
        extracted = read_html(data)
        return ExtractedText(
            extracted.text,
            extracted.encoding,
            (*extracted.notes, "the text file holds a web page (HTML); read as HTML"),
        )
    if kind == "rtf":
        raise UnreadableDocument("unsupported_format", f"the text file is really {SNIFF_NAMES['rtf']}")
    if kind in ("pdf", "zip", "ole"):
        raise UnreadableDocument("binary", f"the text file is really {SNIFF_NAMES[kind]}")
    text, encoding, notes = decode_text_bytes(data)
    return finish(
        text, encoding, notes, repair_legacy=encoding in ("utf-8", "utf-8-sig", "utf-16", "utf-8+cp1258")
    )
