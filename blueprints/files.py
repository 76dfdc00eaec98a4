"""A file answered to download: the one way a view sends one (exports, bilans, runs' files)."""

from __future__ import annotations

from flask import Response


def attachment(content: bytes | str, mimetype: str, filename: str) -> Response:
    """``content`` to download as ``filename`` (ASCII: the exports and bilans name theirs so)."""
    return Response(
        content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
