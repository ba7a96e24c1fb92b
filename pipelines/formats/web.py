"""Web pages saved from legal-document websites (.html, .htm): the document without the site.

A saved page holds the site's menus, banners, share buttons and footers around the plan. The
reader keeps the document text: blocks as lines, tables as rows (see `tables`), and skips
what is chrome by its tag, role, hidden state or class/id names ("main-menu", "navbar").
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser

from pipelines.formats.decoding import decode_vietnamese_8bit, strict_decode
from pipelines.formats.errors import UnreadableDocument
from pipelines.formats.result import ExtractedText, finish
from pipelines.formats.syllables import vietnamese_score
from pipelines.formats.tables import Cell, fill_rowspans, render_table

_CHROME_TAGS = frozenset(
    "script style noscript template title nav aside menu iframe svg "
    "button select textarea object embed canvas dialog".split()
)
# Elements that can be skipped because of their class/id: only those whose end tag
# is required, so a skipped region always ends ("<li class=share>" may never close).
# <form> is not chrome by itself: ASP.NET sites wrap the whole page in one.
_SKIPPABLE_BY_CLASS = frozenset(
    "div section ul ol dl span table nav aside header footer a figure menu".split()
)
_CHROME_WORDS = frozenset(
    "menu menus submenu megamenu nav navbar navigation topnav footer header topbar sidebar banner "
    "breadcrumb breadcrumbs share sharing social comment comments advert adverts advertisement ads ad "
    "cookie cookies popup".split()
)
# <header>/<footer> are the site's banner and footer only outside sectioning content:
# inside <article>, <main> or <section> they head or close the document itself.
_SECTIONING = frozenset({"article", "main", "section"})
_STATE_PREFIXES = ("has-", "with-", "no-", "is-", "show-", "hide-")
_CHROME_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"}
)
_BLOCK_TAGS = frozenset(
    "address article blockquote caption center dd div dl dt fieldset figcaption figure "
    "h1 h2 h3 h4 h5 h6 hr li main ol p pre section ul br form".split()
)
_VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def read_html(data: bytes) -> ExtractedText:
    """A web page saved from a legal-document site: the document text without site chrome."""
    if data.startswith(codecs.BOM_UTF8):
        markup, charset = strict_decode(data[3:], "utf-8", "UTF-8"), "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        markup, charset = strict_decode(data, "utf-16", "UTF-16"), "utf-16"
    else:
        markup, charset = decode_html_bytes(data)
    return finish("\n".join(html_lines(markup)), f"html:{charset}", [])


def html_lines(markup: str) -> list[str]:
    """The readable lines of a page; markup html.parser gives up on (a broken "<![" section or
    declaration raises AssertionError inside the standard library) is a refusal, not a crash."""
    parser = _HtmlText()
    try:
        parser.feed(markup)
        parser.close()
    except AssertionError as exc:
        raise UnreadableDocument(
            "corrupt_html",
            f"the web page's markup is broken ({exc}); open it in a browser and save it again "
            '("Web page, complete" or "HTML only"), or copy the plan text into a .docx',
        ) from exc
    return parser.finish()


def decode_html_bytes(data: bytes) -> tuple[str, str]:
    """UTF-8 when the bytes are UTF-8, else the declared charset, else Vietnamese 8-bit detection.

    Valid UTF-8 with non-ASCII bytes is almost never anything else, and pages
    often declare a charset they were not saved in, so the bytes win.
    """
    if b"\x00" in data[:4096]:
        raise UnreadableDocument(
            "binary", "binary content (NUL bytes) in a web page file; save the page again"
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    declared = _META_CHARSET.search(data[:8192])
    if declared:
        try:
            codec = codecs.lookup(declared.group(1).decode("ascii", "replace")).name
        except LookupError:
            codec = ""
        if codec and codec not in ("utf-8", "ascii"):
            try:
                text = data.decode(codec)
            except (UnicodeDecodeError, LookupError):  # LookupError: "base64", "zlib" … are not text codecs
                pass
            else:
                score = vietnamese_score(text)
                if not score.considered or score.share >= 0.7:
                    return text, codec
    text, encoding, _notes = decode_vietnamese_8bit(data, utf8_error)
    return text, encoding


def _is_chrome_name(name: str) -> bool:
    """Does a class or id name mark site chrome ("main-menu", "navbar", "footerWrap")?"""
    lowered = name.lower()
    if lowered.startswith(_STATE_PREFIXES):
        return False
    words = re.split(r"[-_:.\s]+|(?<=[a-z])(?=[A-Z])", name)
    return any(word.lower() in _CHROME_WORDS for word in words) or lowered in _CHROME_WORDS


class _HtmlText(HTMLParser):
    """Collect the readable text of a page: blocks as lines, tables as rows.

    html.parser builds no tree and does not close implied elements, so the state
    is kept by hand: a skipped region (chrome) ends at the end tag matching the
    element that started it, and each table is collected as rows of cells and
    rendered at </table> with the same rules as Word tables.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        # One line list per open container: the document, then each open cell.
        self._out: list[list[str]] = [[]]
        self._current: list[list[str]] = [[]]
        # One entry per open table: its rows, and whether it has a cell open.
        self._tables: list[list[list[Cell]]] = []
        self._cell_open: list[bool] = []
        self._skip_tag: str | None = None
        self._skip_nesting = 0
        self._pre = 0
        self._sectioning = 0

    def _newline(self) -> None:
        raw = "".join(self._current[-1])
        parts = raw.split("\n") if self._pre else [re.sub(r"[ \t\n\r\f]+", " ", raw)]
        self._out[-1].extend(part.strip(" \t\r") for part in parts if part.strip(" \t\r"))
        self._current[-1] = []

    def handle_data(self, data: str) -> None:
        if self._skip_tag is None:
            self._current[-1].append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_tag is not None:
            if tag == self._skip_tag:
                self._skip_nesting += 1
            return
        if self._is_chrome(tag, dict(attrs)):
            if tag not in _VOID_TAGS:
                self._skip_tag, self._skip_nesting = tag, 1
            return
        if tag in _SECTIONING:
            self._sectioning += 1
        if tag == "pre":
            self._newline()
            self._pre += 1
        elif tag == "table":
            self._newline()
            self._tables.append([])
            self._cell_open.append(False)
        elif tag == "tr":
            self._ensure_table()
            self._close_cell()
            self._tables[-1].append([])
        elif tag in ("td", "th"):
            self._ensure_table()
            self._close_cell()
            if not self._tables[-1]:
                self._tables[-1].append([])
            attributes = dict(attrs)
            cell = Cell(
                colspan=_positive(attributes.get("colspan")), rowspan=_positive(attributes.get("rowspan"))
            )
            self._tables[-1][-1].append(cell)
            self._out.append(cell.lines)
            self._current.append([])
            self._cell_open[-1] = True
        elif tag in _BLOCK_TAGS:
            self._newline()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """An XHTML "<x/>": a line break for <br/>, otherwise an empty element."""
        if self._skip_tag is None and tag in _BLOCK_TAGS:
            self._newline()

    def handle_endtag(self, tag: str) -> None:
        if self._skip_tag is not None:
            if tag == self._skip_tag:
                self._skip_nesting -= 1
                if self._skip_nesting == 0:
                    self._skip_tag = None
            return
        if tag in _SECTIONING and self._sectioning:
            self._sectioning -= 1
        if tag == "pre" and self._pre:
            self._newline()
            self._pre -= 1
        elif tag in ("td", "th", "tr"):
            self._close_cell()
        elif tag == "table" and self._tables:
            self._close_table()
        elif tag in _BLOCK_TAGS:
            self._newline()

    def _ensure_table(self) -> None:
        if not self._tables:  # a row or cell outside any <table>: treat it as one
            self._newline()
            self._tables.append([])
            self._cell_open.append(False)

    def _close_cell(self) -> None:
        if self._tables and self._cell_open[-1]:
            self._newline()
            self._out.pop()
            self._current.pop()
            self._cell_open[-1] = False

    def _close_table(self) -> None:
        self._close_cell()
        rows = self._tables.pop()
        self._cell_open.pop()
        self._newline()
        self._out[-1].extend(render_table(fill_rowspans(rows)))

    def _is_chrome(self, tag: str, attrs: dict[str, str | None]) -> bool:
        if tag in _CHROME_TAGS or (tag in ("header", "footer") and not self._sectioning):
            return True
        if tag not in _SKIPPABLE_BY_CLASS:
            return False
        if (attrs.get("role") or "").lower() in _CHROME_ROLES:
            return True
        style = (attrs.get("style") or "").replace(" ", "").lower()
        if "hidden" in attrs or (attrs.get("aria-hidden") or "").lower() == "true":
            return True
        if "display:none" in style or "visibility:hidden" in style:
            return True
        names = (attrs.get("class") or "").split() + (attrs.get("id") or "").split()
        return any(_is_chrome_name(name) for name in names)

    def finish(self) -> list[str]:
        """All lines, closing whatever the page left open."""
        while self._tables:
            self._close_table()
        self._newline()
        return self._out[0]


def _positive(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1
