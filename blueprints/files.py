"""A file answered to download: the one way a view sends one (exports, bilans, runs' files)."""

from __future__ import annotations

from flask import Response


def attachment(content: bytes | str, mimetype: str, filename: str) -> Response:
    """``content`` to download as ``filename`` (ASCII: the exports and bilans name theirs so)."""
    return Response(
        content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def upload_of(storage) -> tuple[str, bytes] | None:
    """(filename, content) of a file sent with a form (a ``FileStorage``), or None when none was."""
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return storage.filename, storage.read()
