"""The Département's funding of facilitator posts (seed 003 art. 3.2 and 6).

15 000 EUR a year per full-time post on the function, pro rata of the share of a full time and of
the days of the year the post existed; 40 % at the start of the action, 60 % once the activity
bilan, the financial bilan, the payslips and the job description of the year are received.

On the territory's side: its posts and the pieces it sends for a year (``evidence`` goes in each
report, the pieces with their content in the yearly report). On the Département's side: what is due, payable and paid
per territory, read from the reports received, the payments its coordinator records, and the
network meetings of its facilitators (art. 3.1).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from saas import cleaning, clock, uploads
from saas.audit import api as audit
from saas.db import db, insert
from saas.errors import ValidationError
from saas.federation.models import (
    DeliverableKind,
    FacilitatorPost,
    FederationMeeting,
    FederationPayment,
    Instalment,
    MeetingKind,
    PostDeliverable,
    ReceivedReport,
)
from tenants.context import require_tenant_id

SUBSIDY_PER_POST = Decimal("15000")
ADVANCE_SHARE, BALANCE_SHARE = Decimal("0.40"), Decimal("0.60")
CENT = Decimal("0.01")
#: a piece travels inside the report: small enough that a year's pieces fit a request
DELIVERABLE = uploads.UploadPolicy(
    "file",
    {**uploads.PDF, **uploads.IMAGES},
    2 * uploads.MB,
    "La pièce doit être un PDF, un PNG ou un JPEG.",
    "La pièce est vide ou dépasse 2 Mo (elle part avec le rapport au Département).",
    empty_message="La pièce est vide ou dépasse 2 Mo (elle part avec le rapport au Département).",
)

audit.ACTION_LABELS["federation.post_added"] = "Poste de facilitateur déclaré au Département"
audit.ACTION_LABELS["federation.piece_added"] = "Pièce justificative d'un poste de facilitateur"
audit.TARGET_LABELS["poste"] = "Poste de facilitateur"


# --- the territory's side -------------------------------------------------------------------------


def posts(federation_id: int) -> list[FacilitatorPost]:
    query = select(FacilitatorPost).where(FacilitatorPost.federation_id == federation_id)
    return list(db.session.scalars(query.order_by(FacilitatorPost.start_date, FacilitatorPost.id)))


def add_post(actor: audit.Actor, federation_id: int, title, fte, start_date, end_date) -> FacilitatorPost:
    """A post the Département subsidises; ``ValidationError`` on the field at fault."""
    share = cleaning.fraction(fte, "fte", "Temps consacré à la fonction")
    if share is None:
        raise ValidationError("fte", "Indiquez la part d'un temps plein consacrée à la fonction (ex. 0,8).")
    start = cleaning.a_date(start_date, "start_date", required="Indiquez le début du poste.")
    end = cleaning.a_date(end_date, "end_date")
    if end is not None and start is not None and end < start:
        raise ValidationError("end_date", "La fin du poste précède son début.")
    post = insert(
        FacilitatorPost(
            tenant_id=require_tenant_id(),
            federation_id=federation_id,
            title=cleaning.required_text(title, "title", "Indiquez l'intitulé du poste.", 200),
            fte=share.quantize(CENT),
            start_date=start,
            end_date=end,
        )
    )
    audit.record(
        "federation.post_added", actor, "poste", post.id, {"poste": post.title, "etp": str(post.fte)}
    )
    return post


def add_piece(
    actor: audit.Actor, post: FacilitatorPost, year, kind, filename: str, content: bytes
) -> PostDeliverable:
    """A piece of ``kind`` for the post and the year, checked by its content and its size."""
    if kind not in set(DeliverableKind):
        raise ValidationError("kind", "Choisissez le type de pièce de la liste.")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError("year", "Indiquez une année entre 2000 et 2100.")
    mimetype = DELIVERABLE.check(content)
    piece = insert(
        PostDeliverable(
            tenant_id=require_tenant_id(),
            post_id=post.id,
            year=year,
            kind=kind,
            filename=uploads.filename_of(filename, "piece"),
            mimetype=mimetype,
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            created_by=actor.user_id,
        )
    )
    details = {"poste": post.title, "annee": year, "piece": DeliverableKind(kind).label}
    audit.record("federation.piece_added", actor, "poste", post.id, details)
    return piece


def _latest_pieces(post_ids: list[int], year: int) -> list[PostDeliverable]:
    """The latest piece of each kind of each post for the year."""
    query = (
        select(PostDeliverable)
        .where(PostDeliverable.post_id.in_(post_ids), PostDeliverable.year == year)
        .order_by(PostDeliverable.post_id, PostDeliverable.kind, PostDeliverable.id.desc())
        .distinct(PostDeliverable.post_id, PostDeliverable.kind)
    )
    return list(db.session.scalars(query))


def _of_year(post: FacilitatorPost, year: int) -> bool:
    return post.start_date <= date(year, 12, 31) and (
        post.end_date is None or post.end_date >= date(year, 1, 1)
    )


def _travels(piece: PostDeliverable, month: date | None) -> bool:
    deposited = piece.created_at.astimezone(clock.PARIS).date()
    return month is None or (deposited.year, deposited.month) == (month.year, month.month)


def evidence(federation_id: int, year: int, month: date | None = None) -> dict:
    """What a report carries of the year's posts (those that existed in it) and of their pieces:
    their content with the yearly report, and with the report of the month a piece was deposited
    in (``month``); the other monthly reports say which were sent."""
    found = [post for post in posts(federation_id) if _of_year(post, year)]
    pieces = _latest_pieces([p.id for p in found], year) if found else []
    return {
        "annee": year,
        "postes": [
            {
                "id": p.id,
                "intitule": p.title,
                "etp": format(p.fte, "f"),
                "debut": p.start_date.isoformat(),
                "fin": p.end_date.isoformat() if p.end_date else None,
            }
            for p in found
        ],
        "pieces": [
            {
                "poste": piece.post_id,
                "type": piece.kind,
                "fichier": piece.filename,
                "format": piece.mimetype,
                "empreinte": piece.sha256,
                **({"contenu": base64.b64encode(piece.content).decode()} if _travels(piece, month) else {}),
            }
            for piece in pieces
        ],
    }


# --- the Département's side ------------------------------------------------------------------------


def post_due(post: dict, year: int) -> Decimal:
    """15 000 EUR × the share of a full time × the share of the year the post existed."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    start = max(first, date.fromisoformat(post["debut"]))
    end = min(last, date.fromisoformat(post["fin"])) if post.get("fin") else last
    if end < start:
        return Decimal(0)
    days = Decimal((end - start).days + 1) / Decimal((last - first).days + 1)
    return (SUBSIDY_PER_POST * Decimal(post["etp"]) * days).quantize(CENT, ROUND_HALF_UP)


@dataclass
class Funding:
    """One territory's subsidy for a year, as its latest report of the year and the payments say."""

    slug: str
    name: str
    posts: list[dict] = field(default_factory=list)
    fte: Decimal = Decimal(0)
    due: Decimal = Decimal(0)
    missing: list[str] = field(default_factory=list)
    pieces: list[dict] = field(default_factory=list)
    paid: dict[str, Decimal] = field(default_factory=dict)
    reported: bool = False

    @property
    def advance(self) -> Decimal:
        return (self.due * ADVANCE_SHARE).quantize(CENT, ROUND_HALF_UP)

    @property
    def balance(self) -> Decimal:
        return self.due - self.advance

    @property
    def balance_payable(self) -> bool:
        return bool(self.posts) and not self.missing

    @property
    def payable(self) -> Decimal:
        """What may be paid now and was not: the advance, and the balance once every piece is in."""
        owed = self.advance + (self.balance if self.balance_payable else Decimal(0))
        return max(Decimal(0), owed - sum(self.paid.values(), Decimal(0)))


def _of_the_year(column, federation_id: int, slug: str, year: int):
    """``column`` of the territory's reports of periods in ``year``."""
    return select(column).where(
        ReceivedReport.federation_id == federation_id,
        ReceivedReport.territory_slug == slug,
        ReceivedReport.period_start >= date(year, 1, 1),
        ReceivedReport.period_start <= date(year, 12, 31),
    )


def _latest_evidence(federation_id: int, slug: str, year: int) -> dict | None:
    """The funding part of the latest report of the territory for the year (yearly, else monthly),
    from its summary (the pieces without their content)."""
    query = _of_the_year(ReceivedReport.summary, federation_id, slug, year).order_by(
        ReceivedReport.period_kind == "annee", ReceivedReport.period_start, ReceivedReport.version
    )
    found = None
    for payload in db.session.scalars(query):
        evidence_ = payload.get("financement") or {}
        if evidence_.get("annee") == year:
            found = evidence_
    return found


def _missing(evidence_: dict) -> list[str]:
    """The pieces the balance still waits for, in words (« Bilan financier (poste Chargé de mission) »)."""
    have = {(piece.get("poste"), piece.get("type")) for piece in evidence_.get("pieces", [])}
    return [
        f"{kind.label} ({post.get('intitule')})"
        for post in evidence_.get("postes", [])
        for kind in DeliverableKind
        if (post.get("id"), kind.value) not in have
    ]


def funding(federation_id: int, members: list, year: int) -> list[Funding]:
    """Each member territory's subsidy for ``year``: posts, FTE, due, payable and paid."""
    payments = db.session.scalars(
        select(FederationPayment).where(
            FederationPayment.federation_id == federation_id, FederationPayment.year == year
        )
    )
    paid: dict[str, dict[str, Decimal]] = {}
    for payment in payments:
        by_kind = paid.setdefault(payment.territory_slug, {})
        by_kind[payment.instalment] = by_kind.get(payment.instalment, Decimal(0)) + payment.amount
    found = []
    for member in members:
        row = Funding(member.slug, member.name, paid=paid.get(member.slug, {}))
        evidence_ = _latest_evidence(federation_id, member.slug, year)
        if evidence_ is not None:
            row.reported, row.posts = True, list(evidence_.get("postes", []))
            row.fte = sum((Decimal(str(p.get("etp", "0"))) for p in row.posts), Decimal(0))
            row.due = sum((post_due(p, year) for p in row.posts), Decimal(0))
            row.missing, row.pieces = _missing(evidence_), list(evidence_.get("pieces", []))
        found.append(row)
    return found


def piece(federation_id: int, slug: str, year: int, post_id: int, kind: str) -> tuple[str, bytes] | None:
    """(type, content) of a piece as the latest report of the year that carries it holds it."""
    query = _of_the_year(ReceivedReport.payload, federation_id, slug, year).order_by(
        ReceivedReport.received_at.desc(), ReceivedReport.id.desc()
    )
    for payload in db.session.scalars(query):
        for item in (payload.get("financement") or {}).get("pieces", []):
            if item.get("poste") == post_id and item.get("type") == kind and "contenu" in item:
                try:
                    return str(item.get("format")), base64.b64decode(item["contenu"])
                except ValueError:
                    return None
    return None


def record_payment(
    federation_id: int, members: list, slug, year, instalment, amount, paid_on
) -> FederationPayment:
    """A payment the Département made; ``ValidationError`` on the field at fault."""
    if slug not in {m.slug for m in members}:
        raise ValidationError("territoire", "Choisissez un territoire membre du Département.")
    if instalment not in set(Instalment):
        raise ValidationError("instalment", "Choisissez l'avance ou le solde.")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError("year", "Indiquez une année entre 2000 et 2100.")
    value = cleaning.amount(amount, "amount", "Indiquez le montant versé.")
    assert value is not None, "an amount is required"
    day = cleaning.a_date(paid_on, "paid_on", required="Indiquez la date du versement.")
    return insert(
        FederationPayment(
            federation_id=federation_id,
            territory_slug=slug,
            year=year,
            instalment=instalment,
            amount=value.quantize(CENT, ROUND_HALF_UP),
            paid_on=day,
        )
    )


def meetings(federation_id: int) -> list[FederationMeeting]:
    query = select(FederationMeeting).where(FederationMeeting.federation_id == federation_id)
    return list(
        db.session.scalars(query.order_by(FederationMeeting.held_on.desc(), FederationMeeting.id.desc()))
    )


def add_meeting(
    federation_id: int, members: list, held_on, kind, subject, attendees: list[str]
) -> FederationMeeting:
    if kind not in set(MeetingKind):
        raise ValidationError("kind", "Choisissez le type de réunion.")
    known = {m.slug for m in members}
    if any(slug not in known for slug in attendees):
        raise ValidationError("attendees", "Choisissez des territoires membres du Département.")
    return insert(
        FederationMeeting(
            federation_id=federation_id,
            held_on=cleaning.a_date(held_on, "held_on", required="Indiquez la date de la réunion."),
            kind=kind,
            subject=cleaning.required_text(subject, "subject", "Indiquez l'objet de la réunion.", 300),
            attendees=sorted(set(attendees)),
        )
    )
