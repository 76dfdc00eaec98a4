"""The documents of a convention (signed copy, avenants, annexes): checked by content, and every
read audited."""

from __future__ import annotations

from saas import uploads
from saas.audit import api as audit
from saas.conventions import enums
from saas.conventions.models import Convention, ConventionDocument
from saas.db import insert
from saas.errors import ValidationError


def add_document(
    actor, convention: Convention, kind: str, title: str, filename: str, mimetype: str, content: bytes
):
    """Add a document; ``mimetype`` (what the sender said) is not trusted: the type stored is the
    one of the content (``saas.uploads.CONVENTION_DOCUMENT``)."""
    if kind not in enums.DOCUMENT_KINDS:
        raise ValidationError("kind", "Choisissez le type de document.")
    mimetype = uploads.CONVENTION_DOCUMENT.check(content)  # its type read from its content
    document = ConventionDocument(
        tenant_id=convention.tenant_id,
        convention_id=convention.id,
        kind=kind,
        title=(title or "").strip()[:200] or enums.DocumentKind(kind).label,
        filename=uploads.filename_of(filename),
        mimetype=mimetype,
        size=len(content),
        content=content,
        uploaded_by=actor.user_id,
    )
    insert(document)
    audit.record(
        "convention.document_added", actor, "convention", convention.id, {"document": document.title}
    )
    return document


def read_document(actor, document: ConventionDocument) -> bytes:
    audit.record("convention.document_read", actor, "convention_document", document.id)
    return document.content
