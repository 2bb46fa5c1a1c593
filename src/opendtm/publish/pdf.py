"""The PDF bulletin: WeasyPrint renders the HTML bulletin itself (A4, page numbers from the
template's ``@page`` rules, figure numbers in the captions).

The images the page names (the charts, as PNG) are served from memory, by the address the
page gives them; apart from ``data:`` addresses (an image inside the page) the page fetches
nothing else, from the network or from disk.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

# WeasyPrint reports every CSS property it ignores in Vega's SVG at WARNING level
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


class _Images(URLFetcher):  # type: ignore[misc]
    """Serves the page's images from memory and refuses any other address."""

    def __init__(self, images: Mapping[str, bytes]) -> None:
        super().__init__(fail_on_errors=True)
        self.images = images

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):  # inside the page itself (the survey bulletins' charts)
            response: URLFetcherResponse = super().fetch(url, headers)
            return response
        if url not in self.images:
            raise ValueError(f"the bulletin page names an image it does not hold: {url}")
        return URLFetcherResponse(url, self.images[url], {"Content-Type": "image/png"})


def write(html: str, path: Path, images: Mapping[str, bytes] | None = None) -> Path:
    """``html`` as a PDF at ``path``; ``images`` are the PNG images it names, by address."""
    try:
        HTML(string=html, url_fetcher=_Images(images or {})).write_pdf(path)
    except FatalURLFetchingError as exc:  # not an Exception: it would get past every handler
        path.unlink(missing_ok=True)
        raise ValueError(str(exc.__cause__ or exc)) from None
    return path
