"""The upload policy, one for every upload of the service (CV, hour proof, convention document,
logo): an :class:`UploadPolicy` says the types accepted, the size at most and the French messages.

The type is read from the content (``filetype``), never from the file's name or the type the
browser or the client declared: a PNG renamed ``.pdf`` is a PNG, an HTML page declared
``image/png`` is nothing we accept. The domain checks (``policy.check``); a form's file field only
offers the policy's types to the browser (``policy.accept``, its ``render_kw``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import filetype

from saas.errors import ValidationError

#: ``filetype`` reads the signatures in the first bytes of a file.
SNIFFED_BYTES = 8192


def filename_of(name: str | None, default: str = "fichier") -> str:
    """The name a file is kept under: its control characters (NUL included, which PostgreSQL
    refuses) removed, at most 200 characters; ``default`` when nothing is left."""
    cleaned = "".join(character for character in (name or "") if character.isprintable()).strip()
    return cleaned[:200] or default


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


@dataclass(frozen=True)
class UploadPolicy:
    """What one kind of upload accepts. ``types`` maps each MIME type to the file extensions the
    browser offers for it; ``empty_message`` refuses an empty file (without it, an empty file has
    no type and gets ``type_message``)."""

    field: str
    types: Mapping[str, tuple[str, ...]]
    max_bytes: int
    type_message: str
    size_message: str
    empty_message: str | None = None

    def check(self, content: bytes) -> str:
        """The real type of ``content``, or a ``ValidationError`` on the policy's field."""
        if not content and self.empty_message:
            raise ValidationError(self.field, self.empty_message)
        if len(content) > self.max_bytes:
            raise ValidationError(self.field, self.size_message)
        return checked_type(self.field, content, self.types, self.type_message)

    @property
    def accept(self) -> str:
        """The ``accept`` attribute of the file input: extensions, then MIME types."""
        extensions = [extension for names in self.types.values() for extension in names]
        return ",".join([*extensions, *self.types])

    def render_kw(self) -> dict[str, str]:
        return {"accept": self.accept}


PDF = {"application/pdf": (".pdf",)}
IMAGES = {"image/png": (".png",), "image/jpeg": (".jpg", ".jpeg")}
DOCX = {"application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",)}
MB = 1024 * 1024

CV = UploadPolicy(
    "cv",
    {**PDF, **DOCX},
    5 * MB,
    "Le CV doit être un PDF ou un document Word (.docx).",
    "Le CV dépasse 5 Mo.",
)
PROOF = UploadPolicy(
    "proof",
    {**PDF, **IMAGES},
    10 * MB,
    "Le justificatif doit être un PDF, un PNG ou un JPEG.",
    "Le justificatif est vide ou dépasse 10 Mo.",
    empty_message="Le justificatif est vide ou dépasse 10 Mo.",
)
CONVENTION_DOCUMENT = UploadPolicy(
    "file",
    {**PDF, **IMAGES},
    15 * MB,
    "Seuls les fichiers PDF, PNG et JPEG sont acceptés.",
    "Le fichier dépasse 15 Mo.",
    empty_message="Le fichier est vide.",
)
LOGO = UploadPolicy(
    "logo",
    IMAGES,
    200 * 1024,
    "Le logo doit être une image PNG ou JPEG.",
    "Le logo ne doit pas dépasser 200 Ko.",
)
