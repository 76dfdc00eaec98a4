"""API resources: conventions (creation, signature, avenants, objection at the term, termination),
read at a date with their standing and the terms then in force; the calendar of obligations
(receptions, event dates), compliance, the money table and the payments of instalments.

Once signed, a convention changes only by avenant: the draft-only additions (parties, resources,
commitments, obligations) answer 422 with the domain's message. The period of an instalment is
not an object of the territory: it is given in the body of the payment (``period_no``).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

from flask import send_file
from flask.views import MethodView

from blueprints.api.auth import api_actor, token_blueprint
from blueprints.api.convention_presenters import (
    present_commitment,
    present_instalment,
    present_instalments,
    present_objection,
    present_obligation,
    present_party,
    present_resource,
    present_terms,
)
from blueprints.api.resource import Operation, change, creation, filters_of, listing, route
from saas import clock
from saas.audit import api as audit
from saas.conventions import api as conventions
from saas.conventions import enums
from saas.conventions.calendar_schemas import (
    CalendarFilterSchema,
    ComplianceFilterSchema,
    ObligationComplianceSchema,
    OccurrenceEventSchema,
    OccurrenceReceptionSchema,
    OccurrenceSchema,
)
from saas.conventions.models import (
    Convention,
    ConventionDocument,
    Occurrence,
    ScheduleLine,
)
from saas.conventions.money_schemas import (
    InstalmentFilterSchema,
    InstalmentPaymentSchema,
    InstalmentSchema,
)
from saas.conventions.schemas import (
    ConventionAmendmentSchema,
    ConventionCreateSchema,
    ConventionDetailSchema,
    ConventionFilterSchema,
    ConventionObjectionSchema,
    ConventionObligationSchema,
    ConventionPartySchema,
    ConventionResourceSchema,
    ConventionSignatureSchema,
    ConventionSummarySchema,
    ConventionTerminationSchema,
    FinancialCommitmentSchema,
    ReadDateSchema,
    TermsInForceSchema,
)
from saas.db import db
from saas.errors import ValidationError
from tenants.web import load_scoped

blp = token_blueprint(
    "api_conventions",
    __name__,
    "Conventions, avenants, calendrier des obligations et versements",
    ids={
        "convention_id": Convention,
        "document_id": ConventionDocument,
        "occurrence_id": Occurrence,
        "line_id": ScheduleLine,
    },
)


@contextmanager
def _unprefixed(prefix: str) -> Iterator[None]:
    """The ``add_*`` functions name a field ``party.role``; the body of the request is the party."""
    try:
        yield
    except ValidationError as error:
        raise error.renamed(lambda field: field.removeprefix(prefix + ".")) from None


# --- conventions ----------------------------------------------------------------------------------


CONVENTION_FIELDS = (
    "id",
    "reference",
    "title",
    "kind",
    "signed_on",
    "signed_at_place",
    "effective_on",
    "terminated_on",
    "termination_reason",
)


def _summary(convention: Convention, standing: conventions.Standing) -> dict:
    return {
        **{key: getattr(convention, key) for key in CONVENTION_FIELDS},
        "kind_label": enums.Kind.label_of(convention.kind),
        "statut": standing.status,
        "statut_libelle": standing.status_label,
        "prochaine_echeance": standing.next_term,
        # the domain leaves ``ends_on`` empty when an objection came too late for the term under
        # way: the convention then ends at the objection's (later) term all the same.
        "fin_prevue": standing.ends_on or (standing.objection.effective_term if standing.objection else None),
    }


def _detail(convention: Convention, day: date | None = None) -> dict:
    """The convention at ``day``: standing, terms in force, parties, history."""
    day = day or clock.today()
    standing = conventions.standing(convention, day)
    data = _summary(convention, standing)
    period = standing.period
    data.update(
        date=day,
        periode={
            "numero": period.number,
            "debut": period.start,
            "fin": period.end,
            "dernier_jour_pour_denoncer": period.last_day_to_object,
            "reconductible": period.renewable,
        }
        if period
        else None,
        dernier_jour_pour_denoncer=standing.last_day_to_object,
        reconductible=standing.renews,
        reconductions_restantes=standing.renewals_left,
        denonciation=present_objection(standing.objection) if standing.objection else None,
        terms=present_terms(conventions.terms_in_force(convention, day)),
        parties=[present_party(party) for party in conventions.parties_of(convention.id)],
        versions=conventions.versions_of(convention.id),
        renewals=conventions.renewals_of(convention.id),
        documents=conventions.documents_of(convention.id),
    )
    return data


def _conventions(args: dict) -> list[dict]:
    today = clock.today()
    found = [c for c in conventions.conventions() if args.get("kind") in (None, c.kind)]
    standings = conventions.standings(found, today)
    rows = [_summary(c, standings[c.id]) for c in found]
    return [r for r in rows if args.get("status") in (None, r["statut"])]


def _sign(actor: audit.Actor, convention: Convention, data: dict) -> None:
    conventions.sign(actor, convention, data["signed_on"], data.get("signed_at_place"))


def _added(prefix: str, add: Callable) -> Callable:
    """``add(actor, convention, data)`` with the errors named after the fields of the body."""

    def run(actor: audit.Actor, convention: Convention, data: dict):
        with _unprefixed(prefix):
            added = add(actor, convention, data)
            db.session.flush()
        return added

    return run


route(
    blp,
    "/conventions",
    "Conventions",
    get=listing(
        ConventionSummarySchema,
        "Conventions, par référence, avec leur statut aujourd'hui ; filtres : type, statut.",
        _conventions,
        ConventionFilterSchema,
    ),
    post=creation(
        ConventionDetailSchema,
        """Créer une convention : parties, termes signés, moyens, engagements financiers, obligations.

        Sans `signed_on`, elle reste un brouillon que l'on peut compléter ; signée, son calendrier
        d'obligations est calculé. Durée `fixed` (jusqu'à `end_on`) ou `tacit` (périodes de
        `period_months` reconduites tacitement, `max_renewals` fois au plus, dénonciation
        `notice_months` avant l'échéance).
        """,
        conventions.create,
        body=ConventionCreateSchema,
        present=_detail,
    ),
)
route(
    blp,
    "/conventions/<int:convention_id>",
    "ConventionItem",
    Convention,
    get=Operation(
        """Une convention lue à une date (`date`, par défaut aujourd'hui).

        Sa situation (statut, période, prochaine échéance, dernier jour pour dénoncer,
        reconductions restantes, fin prévue, dénonciation), les termes en vigueur à cette date
        (objet, articles, durée, moyens, engagements et leur échéancier, obligations), ses
        parties, ses versions (avenants), ses reconductions et ses documents (sans le fichier).
        """,
        ConventionDetailSchema,
        lambda convention, args: _detail(convention, args.get("date")),
        query=ReadDateSchema,
    ),
)
route(
    blp,
    "/conventions/<int:convention_id>/signature",
    "ConventionSignature",
    Convention,
    post=change(
        ConventionSignatureSchema,
        ConventionDetailSchema,
        "Enregistrer la signature d'une convention non signée ; son calendrier commence.",
        _sign,
        present=_detail,
    ),
)


def _amend(actor: audit.Actor, convention: Convention, data: dict) -> tuple[Convention, date]:
    """The avenant, and the day its terms are read on in the answer (``_terms_on``)."""
    return convention, conventions.amend(actor, convention, data).effective_from


def _terms_on(read: tuple[Convention, date]):
    return present_terms(conventions.terms_in_force(*read))


route(
    blp,
    "/conventions/<int:convention_id>/avenants",
    "ConventionAmendments",
    Convention,
    post=creation(
        TermsInForceSchema,
        """Enregistrer un avenant : de nouveaux termes à partir de `effective_from`.

        Les termes remplacés sont clos (`close`), jamais effacés : la convention reste lisible à
        toute date. Pour changer une obligation, la clore et ajouter sa nouvelle version (`add`).
        Renvoie les termes en vigueur à la date d'effet.
        """,
        _amend,
        body=ConventionAmendmentSchema,
        present=_terms_on,
    ),
)


route(
    blp,
    "/conventions/<int:convention_id>/denonciation",
    "ConventionObjection",
    Convention,
    post=creation(
        ConventionObjectionSchema,
        """Enregistrer la dénonciation par une partie de la reconduction tacite.

        La convention prend fin à la première échéance dont le préavis court encore le jour de la
        réception (`late` : reçue trop tard pour l'échéance en cours, elle vaut pour la suivante).
        """,
        conventions.object_to_renewal,
        present=present_objection,
    ),
)
route(
    blp,
    "/conventions/<int:convention_id>/resiliation",
    "ConventionTermination",
    Convention,
    post=change(
        ConventionTerminationSchema,
        ConventionDetailSchema,
        "Résilier la convention (manquement à ses termes) à une date, avec le motif.",
        conventions.terminate,
        present=_detail,
    ),
)
#: what a convention not signed yet may be completed with: rule, view, schema, prefix, function,
#: what is dumped of it.
ADDITIONS = (
    (
        "parties",
        "ConventionParties",
        ConventionPartySchema,
        "party",
        conventions.add_party,
        "Ajouter une partie à une convention non signée (signée : par avenant seulement).",
        present_party,
    ),
    (
        "moyens",
        "ConventionResources",
        ConventionResourceSchema,
        "resource",
        conventions.add_resource,
        "Ajouter un moyen (personnel mis à disposition) à une convention non signée.",
        present_resource,
    ),
    (
        "engagements",
        "ConventionCommitments",
        FinancialCommitmentSchema,
        "commitment",
        conventions.add_commitment,
        "Ajouter un engagement financier et son échéancier à une convention non signée.",
        present_commitment,
    ),
    (
        "obligations",
        "ConventionObligations",
        ConventionObligationSchema,
        "obligation",
        conventions.add_obligation,
        "Ajouter une obligation (livrable ou réunion, et sa périodicité) à une convention non signée.",
        present_obligation,
    ),
)
for path, name, schema, prefix, add, doc, present in ADDITIONS:
    route(
        blp,
        f"/conventions/<int:convention_id>/{path}",
        name,
        Convention,
        post=creation(schema, doc, _added(prefix, add), present=present),
    )


@blp.route("/conventions/<int:convention_id>/documents/<int:document_id>")
class ConventionDocumentFile(MethodView):
    @blp.response(
        200,
        {"type": "string", "format": "binary"},
        content_type="application/pdf",
        description="Le fichier (PDF, PNG ou JPEG), en pièce jointe",
    )
    @blp.doc(
        responses={
            "200": {
                "description": "Le fichier (PDF, PNG ou JPEG), en pièce jointe",
                "content": {
                    kind: {"schema": {"type": "string", "format": "binary"}}
                    for kind in ("application/pdf", "image/png", "image/jpeg")
                },
            }
        }
    )
    def get(self, convention_id: int, document_id: int):
        """Télécharger un document de la convention (chaque lecture est journalisée)."""
        convention = load_scoped(Convention, convention_id)
        document = load_scoped(ConventionDocument, document_id, convention_id=convention.id)
        content = conventions.read_document(api_actor(), document)
        db.session.commit()
        return send_file(
            io.BytesIO(content),
            mimetype=document.mimetype,
            as_attachment=True,
            download_name=document.filename,
        )


# --- calendar -------------------------------------------------------------------------------------


def _calendar(args: dict):
    filters = filters_of(
        conventions.CalendarFilters,
        args,
        convention_id="convention",
        responsible_id="responsable",
        status="statut",
        date_from="du",
        date_to="au",
    )
    return conventions.calendar_rows(filters, clock.today()).order_by(Occurrence.due_on, Occurrence.id)


def _compliance(args: dict):
    return conventions.compliance(
        "partner" if args["par"] == "partenaire" else "convention",
        args.get("date") or clock.today(),
        args.get("convention"),
    )


def _receive(actor: audit.Actor, occurrence: Occurrence, data: dict) -> None:
    conventions.record_receipt(actor, occurrence, data.get("received_on"), data.get("note"))


def _date_event(actor: audit.Actor, occurrence: Occurrence, data: dict) -> None:
    conventions.record_event(actor, occurrence, data["event_on"])


route(
    blp,
    "/echeances",
    "Calendar",
    get=listing(
        OccurrenceSchema,
        """Le calendrier des obligations, par date d'échéance, avec le statut de chaque échéance.

        Filtres : convention, responsable (organisation qui doit l'obligation), statut, nature,
        période (`du`, `au`).
        """,
        _calendar,
        CalendarFilterSchema,
        rows=True,
    ),
)
route(
    blp,
    "/echeances/<int:occurrence_id>/reception",
    "OccurrenceReception",
    Occurrence,
    post=change(
        OccurrenceReceptionSchema,
        OccurrenceSchema,
        "Marquer reçu le livrable (ou tenue la réunion) de cette échéance.",
        _receive,
        present=conventions.calendar_row,
    ),
    delete=Operation(
        "Annuler la réception enregistrée (une réunion liée à un comité s'annule depuis le comité).",
        OccurrenceSchema,
        lambda occurrence, _: conventions.cancel_receipt(api_actor(), occurrence),
        write=True,
        present=conventions.calendar_row,
    ),
)
route(
    blp,
    "/echeances/<int:occurrence_id>/evenement",
    "OccurrenceEvent",
    Occurrence,
    post=change(
        OccurrenceEventSchema,
        OccurrenceSchema,
        """Dater l'événement qu'attend une obligation « après un événement » (assemblée générale) :
        l'échéance se déplace à la date qui en découle.""",
        _date_event,
        present=conventions.calendar_row,
    ),
)
route(
    blp,
    "/conformite",
    "Compliance",
    get=listing(
        ObligationComplianceSchema,
        """Respect des obligations par partenaire (`par=partenaire`) ou par convention.

        Échéances déjà passées par statut et part reçue ou tenue à temps, à une date (`date`).
        """,
        _compliance,
        ComplianceFilterSchema,
    ),
)


# --- money ----------------------------------------------------------------------------------------


route(
    blp,
    "/versements",
    "Instalments",
    get=listing(
        InstalmentSchema,
        """Les échéances de versement des engagements financiers, par date d'échéance.

        Chacune avec son montant, son statut, les pièces qu'elle attend et son paiement ;
        filtres : statut, convention, date de lecture.
        """,
        lambda args: (
            conventions.money_table(
                args.get("date") or clock.today(), args.get("convention"), status=args.get("statut")
            ).instalments
        ),
        InstalmentFilterSchema,
        present_page=present_instalments,
    ),
)


def _pay(actor: audit.Actor, line: ScheduleLine, data: dict) -> tuple[ScheduleLine, int]:
    """The payment, and the instalment it pays (line and period) for the answer (``_paid``)."""
    payment = conventions.record_payment(
        actor, line, data["period_no"], data["paid_on"], data.get("amount"), data.get("reference")
    )
    return line, payment.period_no


def _paid(paid: tuple[ScheduleLine, int]):
    return present_instalment(conventions.instalment_of(*paid))


route(
    blp,
    "/versements/<int:line_id>/paiement",
    "InstalmentPayment",
    ScheduleLine,
    post=creation(
        InstalmentSchema,
        """Enregistrer le paiement d'une échéance (ligne de l'échéancier, période `period_no`).

        Elle doit être exigible (ses pièces reçues) et payée en entier.
        """,
        _pay,
        body=InstalmentPaymentSchema,
        present=_paid,
    ),
)
