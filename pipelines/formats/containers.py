"""Word files are ZIP packages: check what they would unpack to before anything is unpacked.

A .docx of 1.4 MB can declare a `document.xml` of 387 MB (a "zip bomb": highly repetitive XML
compresses a thousandfold), and a 3 MB file can carry a 3 GB image. python-docx reads every part
of a package into memory when it opens it, images included. So before a Word file is opened:

* every member's declared (uncompressed) size and their total are checked against limits, from
  the ZIP directory alone; a package over them is refused (`zip_bomb` when it unpacks to more
  than `BOMB_RATIO` times its compressed size, `too_large` otherwise);
* a slim copy of the package is built in memory with only the parts that hold text (XML,
  relationships, and the HTML/MHT/text parts that Word imports as "altChunk"); every other part
  (images, embedded objects, fonts, thumbnails) is kept as an empty part, so relationships still
  resolve but no media byte is ever decompressed;
* each kept part is decompressed in chunks and cut off at its declared size and at the limits, so
  a directory that lies about sizes cannot make it use more memory either.
"""

from __future__ import annotations

import io
import re
import zipfile

from pipelines.formats.errors import UnreadableDocument

MAX_MEMBERS = 5_000  # a Word file has tens of parts, rarely hundreds
MAX_TEXT_PART_BYTES = 64 * 1024 * 1024  # a 300-page plan's document.xml is about 10 MB
MAX_TEXT_TOTAL_BYTES = 96 * 1024 * 1024
BOMB_RATIO = 100  # XML compresses about 5-20 times; far beyond that is built to explode
TEXT_SUFFIXES = (".xml", ".rels", ".mht", ".mhtml", ".html", ".htm", ".txt")
_CHUNK = 1024 * 1024


def is_text_part(name: str, text_overrides: frozenset[str] = frozenset()) -> bool:
    """Does this package part hold text we read (as opposed to media we never unpack)?

    By its extension, or because [Content_Types].xml declares it XML, HTML or text (some
    generators name the main part without ".xml").
    """
    return name.lower().endswith(TEXT_SUFFIXES) or name in text_overrides  # "_rels/.rels" has no suffix


_OVERRIDE = re.compile(rb"<(?:\w+:)?Override\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""(PartName|ContentType)\s*=\s*["']([^"']*)["']""")
_TEXT_TYPES = (b"xml", b"html", b"text/", b"rfc822", b"multipart/related")


def _text_overrides(archive: zipfile.ZipFile) -> frozenset[str]:
    """Part names [Content_Types].xml declares with a text content type (read bounded: 1 MB)."""
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return frozenset()
    if info.file_size > _CHUNK:
        return frozenset()
    with archive.open(info) as member:
        types = member.read(_CHUNK)
    names = set()
    for element in _OVERRIDE.findall(types):
        attributes = dict(_ATTRIBUTE.findall(element))
        content_type = attributes.get(b"ContentType", b"").lower()
        if any(kind in content_type for kind in _TEXT_TYPES):
            names.add(attributes.get(b"PartName", b"").decode("utf-8", "replace").lstrip("/"))
    return frozenset(names)


def check_package(archive: zipfile.ZipFile, compressed_bytes: int) -> list[zipfile.ZipInfo]:
    """The text parts to unpack, after checking the declared sizes of the whole package.

    Raises UnreadableDocument (`zip_bomb`, `too_large`) when the package has too many members or
    its text parts would unpack beyond the limits. Only the ZIP directory is read.
    """
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise UnreadableDocument(
            "zip_bomb",
            f"the Word file holds {len(members)} parts (a Word document has tens); it is not a plain "
            "document: open it in Word and save it again as Word Document (.docx)",
        )
    latest = {info.filename: info for info in members}  # zipfile reads the last of duplicate names
    overrides = _text_overrides(archive)
    text_parts = [info for info in latest.values() if is_text_part(info.filename, overrides)]
    total = sum(info.file_size for info in text_parts)
    largest = max(text_parts, key=lambda info: info.file_size, default=None)
    if largest is not None and (largest.file_size > MAX_TEXT_PART_BYTES or total > MAX_TEXT_TOTAL_BYTES):
        bomb = total > BOMB_RATIO * max(compressed_bytes, 1)
        raise UnreadableDocument(
            "zip_bomb" if bomb else "too_large",
            f"the Word file's text parts would unpack to {_mb(total)} ({largest.filename}: "
            f"{_mb(largest.file_size)}) from a {_mb(compressed_bytes)} file"
            + (", far more than any document (a 'zip bomb')" if bomb else "")
            + f"; the limit is {_mb(MAX_TEXT_PART_BYTES)} per part and {_mb(MAX_TEXT_TOTAL_BYTES)} in all. "
            "Refused without unpacking it: split the plan, or open it in Word and save it again",
        )
    return text_parts


def slim_docx_package(data: bytes) -> bytes:
    """A copy of a .docx package with only its text parts filled in (see the module docstring).

    Raises UnreadableDocument for a package over the limits and zipfile/zlib errors for a damaged one.
    """
    archive = zipfile.ZipFile(io.BytesIO(data))
    text_parts = {info.filename for info in check_package(archive, len(data))}
    out = io.BytesIO()
    budget = MAX_TEXT_TOTAL_BYTES
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as slim:
        written: set[str] = set()
        for info in reversed(archive.infolist()):  # the last of duplicate names wins, as in zipfile
            if info.filename in written or info.is_dir():
                continue
            written.add(info.filename)
            if info.filename in text_parts:
                content = _bounded_read(archive, info, min(MAX_TEXT_PART_BYTES, budget))
                budget -= len(content)
            else:
                content = b""  # media, embedded objects, fonts: never decompressed
            slim.writestr(info.filename, content)
    return out.getvalue()


def _bounded_read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """A member's bytes, decompressed in chunks, refused the moment it passes `limit`."""
    chunks: list[bytes] = []
    size = 0
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise UnreadableDocument(
                    "zip_bomb",
                    f"the Word file's part {info.filename} unpacks beyond {_mb(limit)} although its "
                    "directory declares less (a damaged or crafted file); get the original file again",
                )
            chunks.append(chunk)
    return b"".join(chunks)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
