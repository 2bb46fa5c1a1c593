"""The PDF bulletin: WeasyPrint renders the HTML bulletin itself (A4, page numbers from the
template's ``@page`` rules, figure numbers in the captions)."""

from __future__ import annotations

import logging
from pathlib import Path

from weasyprint import HTML

# WeasyPrint reports every CSS property it ignores in Vega's SVG at WARNING level
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def write(html: str, path: Path) -> Path:
    HTML(string=html).write_pdf(path)
    return path
