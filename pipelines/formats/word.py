"""Word documents (.docx): body paragraphs and tables in document order, as Word shows them.

Headers and footers are other parts of the package and are not read (they repeat page
furniture, not plan content). Tracked insertions are kept and tracked deletions dropped, as
Word shows them with "Final" markup; text boxes, content controls, automatic list labels (see
`word_numbering`) and HTML imported as "altChunk" are read in place. The package's declared
sizes are checked and its media left out before python-docx sees it (see `containers`).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import Any

from pipelines.formats.containers import slim_docx_package
from pipelines.formats.decoding import decode_text_bytes
from pipelines.formats.errors import UnreadableDocument
from pipelines.formats.result import ExtractedText, clean_lines, finish
from pipelines.formats.sniffing import SNIFF_NAMES, sniff
from pipelines.formats.tables import Cell, render_table
from pipelines.formats.web import decode_html_bytes, html_lines
from pipelines.formats.word_numbering import Numbering
from pipelines.formats.word_xml import W, docx_children, int_value, w_val

_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_W_SKIP = {f"{W}del", f"{W}moveFrom", f"{W}rPr", f"{W}pPr", f"{W}instrText", f"{_MC}Fallback"}


def read_docx(data: bytes) -> ExtractedText:
    """A Word document: body paragraphs and tables in document order (see the module docstring).

    The file must really be a Word package (a renamed PDF, an old .doc or a workbook is named in
    the refusal), and its declared sizes are checked before anything is unpacked.
    """
    kind = sniff(data)
    if kind != "zip":
        what = SNIFF_NAMES.get(kind or "", "")
        hint = f"it is really {what}" if what else "open it in Word and save it as Word Document (.docx)"
        raise UnreadableDocument("not_a_docx", f"the file is named .docx but is not a Word document; {hint}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:  # odd "ZIP version"
        raise UnreadableDocument(
            "corrupt_docx",
            f"the Word file is damaged ({exc}); it may be truncated by an interrupted download or copy: "
            "get the file again, or open it in Word (which can repair it) and save it again",
        ) from exc
    if "word/document.xml" not in names:
        raise UnreadableDocument("not_a_docx", _not_docx_message(archive, names))
    slim = _safe_docx_package(data)  # sizes checked and media left out before anything is unpacked
    import docx  # imported here: only Word files need python-docx and lxml
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(slim))
    except ValueError as exc:
        if "content type" not in str(exc):
            raise UnreadableDocument(
                "corrupt_docx", f"the Word file cannot be opened ({exc}); {_REPAIR}"
            ) from exc
        raise UnreadableDocument(
            "not_a_docx",
            f"the file is not a plain Word document ({exc}): probably a template or a macro-enabled "
            "document; open it in Word and save it as Word Document (.docx)",
        ) from exc
    except (PackageNotFoundError, KeyError, zipfile.BadZipFile, OSError) as exc:
        raise UnreadableDocument(
            "corrupt_docx", f"the Word file cannot be opened ({type(exc).__name__}: {exc}); {_REPAIR}"
        ) from exc
    except Exception as exc:  # lxml parse errors, zlib/CRC errors in damaged parts
        raise UnreadableDocument(
            "corrupt_docx", f"the Word file is damaged ({type(exc).__name__}: {exc}); {_REPAIR}"
        ) from exc
    reader = _DocxReader(document)
    lines = reader.blocks(document.element.body)
    return finish("\n".join(lines), "docx", reader.notes)


_REPAIR = "open it in Word (which can repair it) and save it again"


def _safe_docx_package(data: bytes) -> bytes:
    """The package with only its text parts, after checking every declared size (see `containers`).

    Called before python-docx sees the file: a zip bomb is refused from the ZIP directory alone
    and images or embedded objects are never decompressed, whatever they declare.
    """
    try:
        return slim_docx_package(data)
    except UnreadableDocument:  # over the limits (zip_bomb, too_large): refused as `containers` says
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError) as exc:
        raise UnreadableDocument(
            "corrupt_docx", f"the Word file is damaged ({type(exc).__name__}: {exc}); {_REPAIR}"
        ) from exc


def _not_docx_message(archive: zipfile.ZipFile, names: set[str]) -> str:
    if "xl/workbook.xml" in names:
        what = "an Excel workbook (.xlsx)"
    elif "ppt/presentation.xml" in names:
        what = "a PowerPoint presentation (.pptx)"
    elif "mimetype" in names and b"opendocument" in archive.read("mimetype")[:100]:
        what = "an OpenDocument file (.odt/.ods)"
    else:
        what = "a ZIP archive without a Word document inside"
    return f"the file is named .docx but is {what}; save the plan as a Word Document (.docx)"


class _DocxReader:
    """Text of a Word body as Word shows it: paragraphs, tables, text boxes, list labels.

    python-docx gives the XML; walking it ourselves keeps tracked insertions and
    text boxes that `Paragraph.text` leaves out, and adds the automatic list
    labels ("1.", "a)", "I.", "-") that are not part of the text runs but are
    part of what a reader sees (and what `pipelines.text` and the outline rely on).
    """

    def __init__(self, document: Any) -> None:
        self.part = document.part
        self.notes: list[str] = []
        try:
            self.numbering: Numbering | None = Numbering(document)
        except Exception:  # damaged numbering.xml: the text is still right, only labels are missing
            self.numbering = None
            self.notes.append("list numbering could not be read: automatic list labels are missing")

    def blocks(self, container: Any) -> list[str]:
        """Lines of a body, table cell or text box: paragraphs and tables in order."""
        lines: list[str] = []
        for child in container.iterchildren():
            tag = child.tag
            if tag == f"{W}p":
                lines.extend(self.paragraph(child))
            elif tag == f"{W}tbl":
                lines.extend(render_table(self.table_rows(child)))
            elif tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}ins", f"{W}moveTo"):
                lines.extend(self.blocks(child))
            elif tag == f"{W}altChunk":
                lines.extend(self.alt_chunk(child))
        return lines

    def paragraph(self, paragraph: Any) -> list[str]:
        """A paragraph's text lines, then the lines of any text boxes anchored in it.

        Tabs inside a paragraph align two blocks side by side ("Số: 12/KH-UBND
        <tab> Hưng Yên, ngày …"); they become a wide space, which `text.normalize`
        splits into columns, so a tab in our output always separates table cells.
        """
        parts: list[str] = []
        boxes: list[Any] = []

        def walk(element: Any) -> None:
            for child in element.iterchildren():
                tag = child.tag
                if not isinstance(tag, str) or tag in _W_SKIP or (tag == f"{W}r" and _hidden(child)):
                    continue
                if tag == f"{W}t":
                    parts.append(child.text or "")
                elif tag in (f"{W}tab", f"{W}ptab"):
                    parts.append("    ")
                elif tag in (f"{W}br", f"{W}cr"):
                    parts.append("\n")
                elif tag == f"{W}noBreakHyphen":
                    parts.append("-")
                elif tag == f"{W}txbxContent":
                    boxes.append(child)
                else:
                    walk(child)

        walk(paragraph)
        label = self.numbering.label(paragraph) if self.numbering else ""
        lines = [ln.strip() for ln in "".join(parts).split("\n")]
        lines = [ln for ln in lines if ln]
        if lines and label:
            lines[0] = f"{label} {lines[0]}"
        for box in boxes:
            lines.extend(self.blocks(box))
        return lines

    def table_rows(self, table: Any) -> list[list[Cell]]:
        rows: list[list[Cell]] = []
        for tr in docx_children(table, f"{W}tr"):
            cells = [Cell() for _ in range(int_value(w_val(tr, "trPr/gridBefore"), 0))]
            for tc in docx_children(tr, f"{W}tc"):
                merge = tc.find(f"{W}tcPr/{W}vMerge")
                continuation = merge is not None and merge.get(f"{W}val", "continue") == "continue"
                colspan = max(1, int_value(w_val(tc, "tcPr/gridSpan"), 1))
                lines = [] if continuation else self.blocks(tc)
                cells.append(Cell(lines=lines, colspan=colspan, continuation=continuation))
            rows.append(cells)
        return rows

    def alt_chunk(self, element: Any) -> list[str]:
        """Content imported as a whole file (web systems' "export to Word" embed an HTML page)."""
        relationship = element.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
        part = self.part.related_parts.get(relationship) if relationship else None
        if part is None:
            self.notes.append("an embedded document (altChunk) is missing from the file and was not read")
            return []
        content_type = part.content_type.lower()
        blob = part.blob
        if content_type in ("message/rfc822", "multipart/related"):
            blob, content_type = _mht_html(blob), "text/html"
        if "html" in content_type and blob:
            markup, _charset = decode_html_bytes(blob)
            return html_lines(markup)
        if content_type == "text/plain":
            text, _encoding, _notes = decode_text_bytes(blob)
            return clean_lines(text).split("\n")
        self.notes.append(f"an embedded document of type {content_type} (altChunk) was not read")
        return []


def _hidden(run: Any) -> bool:
    """A run formatted as hidden text: Word does not show or print it."""
    vanish = run.find(f"{W}rPr/{W}vanish")
    return vanish is not None and vanish.get(f"{W}val", "true").lower() not in ("0", "false", "off")


def _mht_html(blob: bytes) -> bytes:
    """The HTML part of a web archive (MHT), as Word's altChunk imports store it."""
    import email  # standard library; only this rare path needs it

    message = email.message_from_bytes(blob)
    for section in message.walk():
        if section.get_content_type() == "text/html":
            payload = section.get_payload(decode=True)
            return payload if isinstance(payload, bytes) else b""
    return b""
