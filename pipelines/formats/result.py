"""What every reader returns, and the last checks every text passes before it is returned.

The text we return must be the text a person sees in Word, Acrobat or a browser: one
line-ending convention, no control characters, legacy-font lines converted, and never an
empty or garbled text (refused instead: a wrong guess would put mojibake into the warehouse,
which is worse than a clear rejection).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.formats.errors import UnreadableDocument
from pipelines.formats.legacy_fonts import repair_legacy_font_lines
from pipelines.formats.syllables import vietnamese_score

GARBLE_SAMPLE_CHARS = 3_000


@dataclass(frozen=True)
class ExtractedText:
    """Unicode text of one file, paragraphs separated by "\\n", before normalisation.

    `encoding` records how the bytes were read ("utf-8", "cp1258",
    "tcvn3→unicode", "docx", "pdf", "html:utf-8", …) so a surprising result can
    be traced back; `notes` lists anything the reader did that an analyst may
    want to check (a conversion, pages without text, a password removed).
    """

    text: str
    encoding: str
    notes: tuple[str, ...] = ()


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
LETTER = re.compile(r"[^\W\d_]")


def clean_lines(text: str) -> str:
    """One line-ending convention and no control characters.

    A classic-Mac file ("\\r" only) would otherwise be a single line, and page
    breaks (form feeds) from PDF or Word are paragraph breaks.
    """
    return _CONTROL.sub("", _LINE_BREAKS.sub("\n", text))


def finish(
    text: str,
    encoding: str,
    notes: list[str],
    *,
    repair_legacy: bool = True,
    garbled_code: str = "legacy_font_encoding",
) -> ExtractedText:
    """Common last steps: clean, repair legacy-font lines, refuse empty or garbled text."""
    text = clean_lines(text)
    if repair_legacy:
        text, note = repair_legacy_font_lines(text)
        if note:
            notes.append(note)
    if not LETTER.search(text):
        raise UnreadableDocument(
            "empty_text",
            "the file contains no text (no letters at all); replace it with the full plan"
            + (" or run OCR if it is a scan" if encoding == "pdf" else ""),
        )
    # A sample is enough to tell a garbled text from a Vietnamese one, and keeps reading linear.
    score = vietnamese_score(text[:GARBLE_SAMPLE_CHARS])
    if score.considered >= 20 and score.share < 0.5:
        if garbled_code == "needs_ocr":
            message = (
                f"the PDF's text layer is garbled ({score.invalid} of {score.considered} accented words are not "
                "Vietnamese: its fonts have no usable Unicode map); run OCR on the PDF, or export it again "
                "from the original Word file"
            )
        else:
            message = (
                f"the text is garbled ({score.invalid} of {score.considered} accented words are not Vietnamese): "
                "it is probably typed in a legacy Vietnamese font encoding that could not be converted "
                "with confidence; convert it to Unicode (e.g. Unikey's converter) and save it again"
            )
        raise UnreadableDocument(garbled_code, message)
    return ExtractedText(text, encoding, tuple(notes))
