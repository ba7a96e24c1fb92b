"""Every file format analysts drop, turned into trustworthy Unicode text or refused.

Plans arrive as plain text, Markdown, Word (.docx), PDF and web pages saved from legal-document
websites. Many still carry the legacy Vietnamese font encodings of the 1990s and 2000s (TCVN3,
VNI: see `legacy_fonts`). `read_document_bytes` is the one entry: it checks the size, then hands
the bytes to the reader of the suffix the analyst gave:

    .txt .md     plain       (bytes to text: decoding; what they really are: sniffing)
    .docx        word        (word_numbering, word_xml; ZIP safety: containers)
    .pdf         pdf
    .html .htm   web         (tables shared with Word: tables)

Every reader ends in `result.finish` (one line-ending convention, legacy-font lines repaired,
empty or garbled text refused, judged by `syllables`) and refuses with the one exception
`errors.UnreadableDocument`: a machine `code` for the quarantine table and a message that says
what is wrong and what the analyst can do. A wrong guess would put mojibake or a half-read plan
into the warehouse, which is worse than a clear rejection.

The package is pure: bytes in, text out, no file system and no global state (store.plan_files
reads the files). Unicode normalisation (NFC, tone placement) and line-wrap repair stay in
`pipelines.text.normalize`.
"""

from __future__ import annotations

from pipelines.formats.errors import MAX_PLAN_BYTES, UnreadableDocument, too_large
from pipelines.formats.pdf import read_pdf
from pipelines.formats.plain import read_plain
from pipelines.formats.result import ExtractedText
from pipelines.formats.web import read_html
from pipelines.formats.word import read_docx

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")


def read_document_bytes(name: str, data: bytes) -> ExtractedText:
    """Read one file's bytes into text, dispatching on the suffix of `name`.

    The suffix says what the analyst meant; the magic bytes are checked as well,
    because a renamed file (a PDF saved as ".docx", an old Word ".doc" renamed
    ".docx") must be refused with a message that names what it really is.
    Raises `UnreadableDocument` for anything that cannot be read with confidence; a file over
    the one plan-file limit (`errors.MAX_PLAN_BYTES`) is refused before it is parsed.
    """
    size = len(data)
    if size > MAX_PLAN_BYTES:
        raise too_large(size)
    if size == 0:
        raise UnreadableDocument(
            "empty_file", "empty file (0 bytes): nothing to read; replace it with the full plan"
        )
    suffix = _suffix(name)
    if suffix in (".txt", ".md"):
        return read_plain(data)
    if suffix == ".docx":
        return read_docx(data)
    if suffix == ".pdf":
        return read_pdf(data)
    if suffix in (".html", ".htm"):
        return read_html(data)
    raise UnreadableDocument("unsupported_format", _unsupported_message(suffix))


def _suffix(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "." + base.rsplit(".", 1)[-1].lower() if "." in base.strip(".") else ""


_SAVE_AS_HINTS = {
    ".doc": "an old Word 97-2003 document: open it in Word and use Save As → Word Document (.docx)",
    ".rtf": "Rich Text: open it in Word and use Save As → Word Document (.docx)",
    ".odt": "an OpenDocument text: save it as Word Document (.docx)",
    ".xls": "a spreadsheet: copy the plan text into a .docx, or save the sheet's table as text",
    ".xlsx": "a spreadsheet: copy the plan text into a .docx, or save the sheet's table as text",
    ".zip": "an archive: extract the plan files and add them one by one",
    ".rar": "an archive: extract the plan files and add them one by one",
    ".jpg": "an image: run OCR and add the resulting text or searchable PDF",
    ".jpeg": "an image: run OCR and add the resulting text or searchable PDF",
    ".png": "an image: run OCR and add the resulting text or searchable PDF",
    ".tif": "an image: run OCR and add the resulting text or searchable PDF",
    ".tiff": "an image: run OCR and add the resulting text or searchable PDF",
}


def _unsupported_message(suffix: str) -> str:
    shown = suffix or "(none)"
    hint = _SAVE_AS_HINTS.get(suffix, "save the plan as .docx, .pdf or UTF-8 .txt")
    return f"unsupported file type '{shown}' ({hint}); supported: {', '.join(SUPPORTED_SUFFIXES)}"
