"""The one refusal of a plan file, and the one size limit of a plan file.

Every step that can refuse a file (listing and opening it, decoding its bytes, unpacking a Word
package, reading a PDF) raises `UnreadableDocument`: a machine `code`, which becomes
`reason_code` in the quarantine, and a message that says what is wrong and what the analyst can
do. One class means a caller catches one thing, and a reason code means the same everywhere.

`MAX_PLAN_BYTES` (20 MB) is the one limit on the size of a plan file, wherever it is checked:
before a byte is read (store.extraction from the folder listing, store.plan_files on the open
file, the CLI before hashing) and on bytes already in memory (formats.dispatch). 20 MB is the
value the pipeline has always applied to plan files (the readers' own default was 50 MB, and is
gone). The limits on what a Word package may unpack to are a different thing (`containers`).
"""

from __future__ import annotations

# A plan is tens of kilobytes, a long one with appendix tables a few megabytes: anything this large
# is an export gone wrong (embedded scans, a whole book). The quarantine label says "trên 20 MB".
MAX_PLAN_BYTES = 20 * 1024 * 1024


class UnreadableDocument(ValueError):
    """A file that cannot become trustworthy text (and so cannot become a document).

    `code` is stable and machine-readable (it becomes `reason_code` in the quarantine, whose
    labels are the seed `labels_vi`); `str(exc)` is for the analyst: what is wrong and what to do.

    Codes, by where they are raised:
    * the file itself (store.plan_files): symlink, not_a_file, unreadable, too_large;
    * any format (formats.dispatch, formats.result): empty_file, too_large, unsupported_format,
      empty_text, legacy_font_encoding;
    * text bytes (formats.plain, formats.decoding): binary, undecodable, mixed_encoding;
    * Word (formats.word, formats.containers): not_a_docx, corrupt_docx, zip_bomb, too_large;
    * PDF (formats.pdf): corrupt_pdf, encrypted_pdf, needs_ocr;
    * web pages (formats.web): binary, corrupt_html.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def human_size(size: int) -> str:
    """A byte count as a person reads it ("2.0 KB", "25.3 MB")."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} bytes"


def too_large_message(size: int) -> str:
    """Why a file over the size limit is refused, and what to do."""
    return (
        f"file is {human_size(size)}, above the {human_size(MAX_PLAN_BYTES)} limit (refused without "
        "reading it); split the plan or remove embedded images and scans before adding it"
    )


def too_large(size: int) -> UnreadableDocument:
    """The refusal of a file of `size` bytes, over `MAX_PLAN_BYTES` (reason code `too_large`), to raise."""
    return UnreadableDocument("too_large", too_large_message(size))
