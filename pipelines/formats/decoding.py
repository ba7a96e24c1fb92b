"""Bytes of a text file to Unicode: byte-order marks, UTF-8, Windows-1258, TCVN3, VNI.

The encoding is never guessed from "it decodes": UTF-8 is trusted when the bytes are valid
UTF-8, and otherwise the 8-bit encodings are ranked by how many words come out as Vietnamese
(see `syllables`). A file that reads as Vietnamese in none of them, or that mixes encodings in
a way that cannot be undone line by line, is refused with the offset or the line numbers.
"""

from __future__ import annotations

import codecs
import contextlib
from collections.abc import Callable

from pipelines.formats.errors import UnreadableDocument
from pipelines.formats.legacy_fonts import LEGACY_CONVERTERS
from pipelines.formats.syllables import VietnameseScore, vietnamese_score


def decode_text_bytes(data: bytes) -> tuple[str, str, list[str]]:
    """Decode text bytes: BOM, then UTF-8, then Vietnamese 8-bit encodings by plausibility."""
    if data.startswith(codecs.BOM_UTF8):
        return strict_decode(data[len(codecs.BOM_UTF8) :], "utf-8", "UTF-8"), "utf-8-sig", []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return strict_decode(data, "utf-16", "UTF-16"), "utf-16", []
    if b"\x00" in data[:4096]:
        raise UnreadableDocument(
            "binary",
            "binary content (NUL bytes) in a text file: it is not plain text "
            "(UTF-16 text without a byte-order mark also looks like this); "
            "save the plan as UTF-8 text, .docx or .pdf",
        )
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 0x20 and b not in b"\t\n\r\x0c") + sample.count(0x7F)
    if controls > 0.01 * len(sample):
        raise UnreadableDocument(
            "binary",
            "binary content (control bytes) in a text file: it is not plain text; "
            "save the plan as UTF-8 text, .docx or .pdf",
        )
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        return _decode_mixed_lines(data) or decode_vietnamese_8bit(data, exc)


def strict_decode(data: bytes, codec: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise UnreadableDocument(
            "undecodable",
            f"not valid {label} text (undecodable byte 0x{data[exc.start]:02x} at offset {exc.start}) "
            "although the file starts with a byte-order mark; open it in a text editor and save it as UTF-8",
        ) from exc


_C1_TO_CP1252 = {
    b: bytes([b]).decode("cp1252") for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}


def _decode_cp1252(data: bytes) -> str:
    """Windows-1252 that never fails: the five undefined bytes keep their Latin-1 code points."""
    return data.decode("latin-1").translate(_C1_TO_CP1252)


def _decode_mixed_lines(data: bytes) -> tuple[str, str, list[str]] | None:
    """A file assembled from UTF-8 and 8-bit pieces (lines pasted from an old Windows-1258 file).

    Whole-file guesses fail on it: as UTF-8 some lines do not decode, as an 8-bit encoding the
    UTF-8 lines turn to gibberish, and the gibberish can score like VNI. So when the lines that
    are valid UTF-8 read as Vietnamese, each other line is decoded on its own, with the one
    8-bit encoding (Windows-1258, TCVN3 or VNI) under which those lines, together, read as
    Vietnamese and clearly better than under the others. Returns None when the file is not
    such a mix (then the whole-file detection decides); refuses it (`mixed_encoding`, with
    the line numbers) when the foreign lines read as none of them.
    """
    lines = data.split(b"\n")
    decoded: list[str | None] = []
    for raw in lines:
        try:
            decoded.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            decoded.append(None)
    native = vietnamese_score(" ".join(t for t in decoded if t is not None and not t.isascii()))
    if native.considered < 3 or native.share < 0.8:
        return None  # the UTF-8 part is not Vietnamese text: not a mix, an 8-bit file
    foreign = [i for i, text in enumerate(decoded) if text is None]
    sample = b"\n".join(lines[i] for i in foreign)
    ranked = sorted(_eight_bit_candidates(sample), key=lambda c: (c[2].net, c[2].share), reverse=True)
    best, runner_up = ranked[0], ranked[1]
    encoding, label, convert = best[0], best[1], best[3]
    clear = best[2].share >= 0.8 and best[2].net > runner_up[2].net
    if best[2].considered and clear:  # and each foreign line must read as Vietnamese on its own
        scores = ((i, vietnamese_score(convert(lines[i]))) for i in foreign)
        foreign_bad = [i for i, score in scores if score.considered and score.share < 0.5]
    else:
        foreign_bad = foreign if best[2].considered else []
    if foreign_bad:
        shown = ", ".join(str(i + 1) for i in foreign_bad[:10]) + (" …" if len(foreign_bad) > 10 else "")
        raise UnreadableDocument(
            "mixed_encoding",
            f"the file mixes encodings: most of it is UTF-8, but {len(foreign_bad)} line(s) (line {shown}) "
            "are not, and do not read as Vietnamese in Windows-1258, TCVN3 or VNI either; open it in a "
            "text editor, retype or convert those lines (e.g. with Unikey's converter) and save it as UTF-8",
        )
    for i in foreign:
        decoded[i] = convert(lines[i])
    note = f"the file mixes encodings: {len(foreign)} line(s) read as {label}, the rest as UTF-8"
    return "\n".join(t or "" for t in decoded), f"utf-8+{encoding}", [note]


def _eight_bit_candidates(data: bytes) -> list[tuple[str, str, VietnameseScore, Callable[[bytes], str]]]:
    """(encoding, label, score, decoder) for each Vietnamese 8-bit encoding, applied to `data`."""

    def cp1258(raw: bytes) -> str:
        return raw.decode("cp1258", errors="replace")

    decoders: list[tuple[str, str, Callable[[bytes], str]]] = [("cp1258", "Windows-1258", cp1258)]
    for key, label, convert in LEGACY_CONVERTERS:
        decoders.append((f"{key}→unicode", label, lambda raw, c=convert: c(_decode_cp1252(raw))))
    return [(key, label, vietnamese_score(decode(data)), decode) for key, label, decode in decoders]


def decode_vietnamese_8bit(data: bytes, utf8_error: UnicodeDecodeError) -> tuple[str, str, list[str]]:
    """Pick Windows-1258, TCVN3 or VNI by how many words come out as Vietnamese.

    All three decode any byte string, so "it decodes" proves nothing; the
    decoding whose accented words are valid Vietnamese syllables is the right
    one. A text whose only non-ASCII bytes are punctuation (curly quotes, dashes)
    has no accented words and is read as Windows-1258, which agrees with
    Windows-1252 on punctuation.
    """
    candidates: list[tuple[str, str, VietnameseScore, str]] = []
    with contextlib.suppress(UnicodeDecodeError):
        text = data.decode("cp1258")
        candidates.append(("cp1258", "Windows-1258", vietnamese_score(text), text))
    as_cp1252 = _decode_cp1252(data)
    for key, label, convert in LEGACY_CONVERTERS:
        text = convert(as_cp1252)
        candidates.append((f"{key}→unicode", label, vietnamese_score(text), text))
    # Most evidence first: a decoding with one lucky word must not beat one with many.
    best = max(candidates, key=lambda c: (c[2].net, c[2].share, c[0] == "cp1258"))
    encoding, label, score, text = best
    if score.considered == 0 and candidates[0][0] == "cp1258":
        encoding, label, score, text = candidates[0]
        return text, encoding, ["decoded as Windows-1258 (only punctuation outside ASCII)"]
    if score.considered and score.share >= 0.7:
        notes = [] if encoding == "cp1258" else [f"converted from {label} to Unicode"]
        return text, encoding, notes
    replaced = data.decode("utf-8", errors="replace")
    bad = replaced.count("\ufffd")
    non_ascii = sum(1 for c in replaced if ord(c) > 127)
    where = f"first bad byte 0x{data[utf8_error.start]:02x} at offset {utf8_error.start}"
    if non_ascii and bad <= 0.05 * non_ascii:
        raise UnreadableDocument(
            "undecodable",
            f"mostly UTF-8 but {bad} byte(s) are not ({where}): the file mixes encodings; "
            "open it in a text editor, fix the garbled characters and save it as UTF-8",
        )
    if encoding != "cp1258" and score.share >= 0.4:
        raise UnreadableDocument(
            "legacy_font_encoding",
            f"the text looks like {label} but only {score.valid} of {score.considered} accented words "
            "convert to valid Vietnamese; convert it to Unicode (e.g. Unikey's converter) and save it as UTF-8",
        )
    raise UnreadableDocument(
        "undecodable",
        f"not UTF-8 ({where}) and not Vietnamese in Windows-1258, TCVN3 or VNI; "
        "open it in a text editor and save it as UTF-8",
    )
