"""The documents of a convention (signed copy, avenants, annexes): checked by content, and every
read audited."""

from __future__ import annotations

from saas import uploads
from saas.audit import api as audit
from saas.conventions import enums
from saas.conventions.models import Convention, ConventionDocument
from saas.db import db
from saas.errors import ValidationError

DOCUMENT_MIMETYPES = {"application/pdf", "image/png", "image/jpeg"}
DOCUMENT_MAX_BYTES = 15 * 1024 * 1024


def add_document(
    actor, convention: Convention, kind: str, title: str, filename: str, mimetype: str, content: bytes
):
    if kind not in enums.DOCUMENT_KINDS:
        raise ValidationError("kind", "Choisissez le type de document.")
    if not content:
        raise ValidationError("file", "Le fichier est vide.")
    if len(content) > DOCUMENT_MAX_BYTES:
        raise ValidationError("file", "Le fichier dépasse 15 Mo.")
    mimetype = uploads.checked_type(
        "file", content, DOCUMENT_MIMETYPES, "Seuls les fichiers PDF, PNG et JPEG sont acceptés."
    )
    document = ConventionDocument(
        tenant_id=convention.tenant_id,
        convention_id=convention.id,
        kind=kind,
        title=(title or "").strip()[:200] or enums.DocumentKind(kind).label,
        filename=filename[:200],
        mimetype=mimetype,
        size=len(content),
        content=content,
        uploaded_by=actor.user_id,
    )
    db.session.add(document)
    db.session.flush()
    audit.record(
        "convention.document_added", actor, "convention", convention.id, {"document": document.title}
    )
    return document


def read_document(actor, document: ConventionDocument) -> bytes:
    audit.record("convention.document_read", actor, "convention_document", document.id)
    return document.content
