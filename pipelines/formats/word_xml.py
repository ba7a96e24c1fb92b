"""Small readers of Word's XML (WordprocessingML), shared by the body reader and the numbering.

python-docx gives the XML tree; these read one value, one number or the children of an element
the way Word does (a value that is not a number falls back to Word's default; rows and cells
wrapped in content controls are still rows and cells).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def w_val(element: Any, path: str) -> str | None:
    """The w:val of the child at `path` ("numFmt", "pPr/numPr/numId"), or None."""
    if element is None:
        return None
    found = element.find("/".join(f"{W}{step}" for step in path.split("/")))
    return None if found is None else found.get(f"{W}val")


def docx_children(element: Any, tag: str) -> Iterator[Any]:
    """Children with `tag`, looking through content controls that wrap rows or cells."""
    for child in element.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):
            yield from docx_children(child, tag)


def int_value(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
