"""The PDF bulletin: WeasyPrint renders the HTML bulletin itself (A4, page numbers from the
template's ``@page`` rules, figure numbers in the captions).

The images the page names (the charts, as PNG) are served from memory, by the address the
page gives them; apart from ``data:`` addresses (an image inside the page) the page fetches
nothing else, from the network or from disk.

WeasyPrint embeds a PNG by decoding it and encoding two (its colours, and its transparency
as a mask): half a second for a bulletin's 18 charts. A chart has opaque pixels only, so
it is embedded here as its colours deflated (less work, and fewer bytes); an image with
any transparent pixel, or drawn at another resolution, goes WeasyPrint's own way.
"""

from __future__ import annotations

import hashlib
import io
import logging
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pydyf
from PIL import Image
from weasyprint import HTML
from weasyprint.images import RasterImage
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


class _Opaque(RasterImage):  # type: ignore[misc]
    """A PNG that WeasyPrint embeds as its colours deflated, when it has no transparent
    pixel (see above)."""

    def __init__(self, png: bytes, url: str, cache: dict[str, Any]) -> None:
        key = hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()
        self.image = Image.open(io.BytesIO(png))  # its header: the pixels when first asked
        super().__init__(self.image, key, png, cache=cache)

    def get_x_object(self, interpolate: bool, dpi_ratio: float) -> Any:
        image = self.image
        if dpi_ratio != 1 or image.mode != "RGBA" or image.getchannel("A").getextrema() != (
                255, 255):
            return super().get_x_object(interpolate, dpi_ratio)
        colours = zlib.compress(image.convert("RGB").tobytes(), 6)
        return pydyf.Stream([colours], pydyf.Dictionary({
            "Type": "/XObject", "Subtype": "/Image", "Width": image.width,
            "Height": image.height, "ColorSpace": "/DeviceRGB", "BitsPerComponent": 8,
            "Interpolate": "true" if interpolate else "false", "Filter": "/FlateDecode"}))


def write(html: str, path: Path, images: Mapping[str, bytes] | None = None, *,
          opaque: bool = True) -> Path:
    """``html`` as a PDF at ``path``; ``images`` are the PNG images it names, by address
    (with ``opaque``, those without transparent pixels embedded as their colours)."""
    images = images or {}
    cache: dict[str, Any] = {}
    if opaque:
        cache.update({url: _Opaque(png, url, cache) for url, png in images.items()})
    try:
        HTML(string=html, url_fetcher=_Images(images)).write_pdf(path, cache=cache)
    except FatalURLFetchingError as exc:  # not an Exception: it would get past every handler
        path.unlink(missing_ok=True)
        raise ValueError(str(exc.__cause__ or exc)) from None
    return path
