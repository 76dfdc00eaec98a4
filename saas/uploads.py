"""The type of an uploaded file, read from its content (``filetype``), never from its name or the
type the browser or the client declared: a PNG renamed ``.pdf`` is a PNG, an HTML page declared
``image/png`` is nothing we accept. Every upload of the service goes through :func:`checked_type`.
"""

from __future__ import annotations

from collections.abc import Collection

import filetype

from saas.errors import ValidationError

#: ``filetype`` reads the signatures in the first bytes of a file.
SNIFFED_BYTES = 8192


def content_type(content: bytes) -> str | None:
    """The MIME type the content's own signature says, or None when it has none we know."""
    kind = filetype.guess(bytes(content[:SNIFFED_BYTES])) if content else None
    return kind.mime if kind else None


def checked_type(field: str, content: bytes, allowed: Collection[str], message: str) -> str:
    """The real type of ``content`` when it is one of ``allowed``; otherwise a ``ValidationError``
    on ``field`` with ``message`` (French, naming what is accepted)."""
    mimetype = content_type(content)
    if mimetype is None or mimetype not in allowed:
        raise ValidationError(field, message)
    return mimetype
