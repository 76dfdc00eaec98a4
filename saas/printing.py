"""Documents laid out for print: an HTML page made into a PDF by WeasyPrint, the one place.

The page carries everything it shows (styles inline, images as ``data:`` URIs): the fetcher
refuses every other address, so that a document never reaches the network or the disk.
"""

from __future__ import annotations

import base64
import logging

from weasyprint import HTML
from weasyprint.urls import URLFetcher

PDF_MIMETYPE = "application/pdf"

#: WeasyPrint tells each step of each document at INFO: the service logs documents, not steps
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def data_uri(content: bytes | None, mimetype: str | None) -> str | None:
    """An image as a ``data:`` URI an HTML page for print can hold, or None."""
    if not content or not mimetype:
        return None
    return f"data:{mimetype};base64,{base64.b64encode(content).decode('ascii')}"


def pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML page."""
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=False)
    return HTML(string=html, url_fetcher=fetcher).write_pdf()
