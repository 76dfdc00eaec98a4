"""API resources: conventions (creation, signature, avenants, objection at the term, termination),
read at a date with their standing and the terms then in force; the calendar of obligations
(receptions, event dates), compliance, the money table and the payments of instalments.

Once signed, a convention changes only by avenant: the draft-only additions (parties, resources,
commitments, obligations) answer 422 with the domain's message. The period of an instalment is
not an object of the territory: it is given in the body of the payment (``period_no``).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from flask import send_file
from flask.views import MethodView

from blueprints.api.auth import api_actor, token_blueprint
from blueprints.api.common import PageArgs, page_schema, paginate, paginate_list
from saas import clock
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
        denonciation=standing.objection,
        terms=conventions.terms_in_force(convention, day),
        parties=conventions.parties_of(convention.id),
        versions=conventions.versions_of(convention.id),
        renewals=conventions.renewals_of(convention.id),
        documents=conventions.documents_of(convention.id),
    )
    return data


class ConventionQueryArgs(ConventionFilterSchema, PageArgs):
    pass


@blp.route("/conventions")
class Conventions(MethodView):
    @blp.arguments(ConventionQueryArgs, location="query")
    @blp.response(200, page_schema(ConventionSummarySchema))
    def get(self, args):
        """Conventions, par référence, avec leur statut aujourd'hui ; filtres : type, statut."""
        today = clock.today()
        rows = [
            _summary(c, conventions.standing(c, today))
            for c in conventions.conventions()
            if args.get("kind") in (None, c.kind)
        ]
        rows = [r for r in rows if args.get("status") in (None, r["statut"])]
        return paginate_list(rows, args)

    @blp.arguments(ConventionCreateSchema)
    @blp.response(201, ConventionDetailSchema)
    def post(self, data):
        """Créer une convention : parties, termes signés, moyens, engagements financiers, obligations.

        Sans `signed_on`, elle reste un brouillon que l'on peut compléter ; signée, son calendrier
        d'obligations est calculé. Durée `fixed` (jusqu'à `end_on`) ou `tacit` (périodes de
        `period_months` reconduites tacitement, `max_renewals` fois au plus, dénonciation
        `notice_months` avant l'échéance).
        """
        convention = conventions.create(api_actor(), data)
        db.session.commit()
        return _detail(convention)


@blp.route("/conventions/<int:convention_id>")
class ConventionItem(MethodView):
    @blp.arguments(ReadDateSchema, location="query")
    @blp.response(200, ConventionDetailSchema)
    def get(self, args, convention_id: int):
        """Une convention lue à une date (`date`, par défaut aujourd'hui).

        Sa situation (statut, période, prochaine échéance, dernier jour pour dénoncer,
        reconductions restantes, fin prévue, dénonciation), les termes en vigueur à cette date
        (objet, articles, durée, moyens, engagements et leur échéancier, obligations), ses
        parties, ses versions (avenants), ses reconductions et ses documents (sans le fichier).
        """
        return _detail(load_scoped(Convention, convention_id), args.get("date"))


@blp.route("/conventions/<int:convention_id>/signature")
class ConventionSignature(MethodView):
    @blp.arguments(ConventionSignatureSchema)
    @blp.response(200, ConventionDetailSchema)
    def post(self, data, convention_id: int):
        """Enregistrer la signature d'une convention non signée ; son calendrier commence."""
        convention = load_scoped(Convention, convention_id)
        conventions.sign(api_actor(), convention, data["signed_on"], data.get("signed_at_place"))
        db.session.commit()
        return _detail(convention)


@blp.route("/conventions/<int:convention_id>/avenants")
class ConventionAmendments(MethodView):
    @blp.arguments(ConventionAmendmentSchema)
    @blp.response(201, TermsInForceSchema)
    def post(self, data, convention_id: int):
        """Enregistrer un avenant : de nouveaux termes à partir de `effective_from`.

        Les termes remplacés sont clos (`close`), jamais effacés : la convention reste lisible à
        toute date. Pour changer une obligation, la clore et ajouter sa nouvelle version (`add`).
        Renvoie les termes en vigueur à la date d'effet.
        """
        convention = load_scoped(Convention, convention_id)
        terms = conventions.amend(api_actor(), convention, data)
        db.session.commit()
        return conventions.terms_in_force(convention, terms.effective_from)


@blp.route("/conventions/<int:convention_id>/denonciation")
class ConventionObjection(MethodView):
    @blp.arguments(ConventionObjectionSchema)
    @blp.response(201, ConventionObjectionSchema)
    def post(self, data, convention_id: int):
        """Enregistrer la dénonciation par une partie de la reconduction tacite.

        La convention prend fin à la première échéance dont le préavis court encore le jour de la
        réception (`late` : reçue trop tard pour l'échéance en cours, elle vaut pour la suivante).
        """
        convention = load_scoped(Convention, convention_id)
        objection = conventions.object_to_renewal(api_actor(), convention, data)
        db.session.commit()
        return objection


@blp.route("/conventions/<int:convention_id>/resiliation")
class ConventionTermination(MethodView):
    @blp.arguments(ConventionTerminationSchema)
    @blp.response(200, ConventionDetailSchema)
    def post(self, data, convention_id: int):
        """Résilier la convention (manquement à ses termes) à une date, avec le motif."""
        convention = load_scoped(Convention, convention_id)
        conventions.terminate(api_actor(), convention, data)
        db.session.commit()
        return _detail(convention)


@blp.route("/conventions/<int:convention_id>/parties")
class ConventionParties(MethodView):
    @blp.arguments(ConventionPartySchema)
    @blp.response(201, ConventionPartySchema)
    def post(self, data, convention_id: int):
        """Ajouter une partie à une convention non signée (signée : par avenant seulement)."""
        convention = load_scoped(Convention, convention_id)
        with _unprefixed("party"):
            party = conventions.add_party(api_actor(), convention, data)
        db.session.commit()
        return party


@blp.route("/conventions/<int:convention_id>/moyens")
class ConventionResources(MethodView):
    @blp.arguments(ConventionResourceSchema)
    @blp.response(201, ConventionResourceSchema)
    def post(self, data, convention_id: int):
        """Ajouter un moyen (personnel mis à disposition) à une convention non signée."""
        convention = load_scoped(Convention, convention_id)
        with _unprefixed("resource"):
            resource = conventions.add_resource(api_actor(), convention, data)
            db.session.flush()
        db.session.commit()
        return resource


@blp.route("/conventions/<int:convention_id>/engagements")
class ConventionCommitments(MethodView):
    @blp.arguments(FinancialCommitmentSchema)
    @blp.response(201, FinancialCommitmentSchema)
    def post(self, data, convention_id: int):
        """Ajouter un engagement financier et son échéancier à une convention non signée."""
        convention = load_scoped(Convention, convention_id)
        with _unprefixed("commitment"):
            commitment = conventions.add_commitment(api_actor(), convention, data)
            db.session.flush()
        db.session.commit()
        return commitment


@blp.route("/conventions/<int:convention_id>/obligations")
class ConventionObligations(MethodView):
    @blp.arguments(ConventionObligationSchema)
    @blp.response(201, ConventionObligationSchema)
    def post(self, data, convention_id: int):
        """Ajouter une obligation (livrable ou réunion, et sa périodicité) à une convention non signée."""
        convention = load_scoped(Convention, convention_id)
        with _unprefixed("obligation"):
            obligation = conventions.add_obligation(api_actor(), convention, data)
            db.session.flush()
        db.session.commit()
        return obligation


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


class CalendarQueryArgs(CalendarFilterSchema, PageArgs):
    pass


@blp.route("/echeances")
class Calendar(MethodView):
    @blp.arguments(CalendarQueryArgs, location="query")
    @blp.response(200, page_schema(OccurrenceSchema))
    def get(self, args):
        """Le calendrier des obligations, par date d'échéance, avec le statut de chaque échéance.

        Filtres : convention, responsable (organisation qui doit l'obligation), statut, nature,
        période (`du`, `au`).
        """
        filters = conventions.CalendarFilters(
            convention_id=args.get("convention"),
            responsible_id=args.get("responsable"),
            status=args.get("statut"),
            nature=args.get("nature"),
            date_from=args.get("du"),
            date_to=args.get("au"),
        )
        query = conventions.calendar_rows(filters, clock.today()).order_by(Occurrence.due_on, Occurrence.id)
        return paginate(query, args, rows=True)


@blp.route("/echeances/<int:occurrence_id>/reception")
class OccurrenceReception(MethodView):
    @blp.arguments(OccurrenceReceptionSchema)
    @blp.response(200, OccurrenceSchema)
    def post(self, data, occurrence_id: int):
        """Marquer reçu le livrable (ou tenue la réunion) de cette échéance."""
        occurrence = load_scoped(Occurrence, occurrence_id)
        conventions.record_receipt(api_actor(), occurrence, data.get("received_on"), data.get("note"))
        db.session.commit()
        return conventions.calendar_row(occurrence)

    @blp.response(200, OccurrenceSchema)
    def delete(self, occurrence_id: int):
        """Annuler la réception enregistrée (une réunion liée à un comité s'annule depuis le comité)."""
        occurrence = load_scoped(Occurrence, occurrence_id)
        conventions.cancel_receipt(api_actor(), occurrence)
        db.session.commit()
        return conventions.calendar_row(occurrence)


@blp.route("/echeances/<int:occurrence_id>/evenement")
class OccurrenceEvent(MethodView):
    @blp.arguments(OccurrenceEventSchema)
    @blp.response(200, OccurrenceSchema)
    def post(self, data, occurrence_id: int):
        """Dater l'événement qu'attend une obligation « après un événement » (assemblée générale) :
        l'échéance se déplace à la date qui en découle."""
        occurrence = load_scoped(Occurrence, occurrence_id)
        conventions.record_event(api_actor(), occurrence, data["event_on"])
        db.session.commit()
        return conventions.calendar_row(occurrence)


class ComplianceQueryArgs(ComplianceFilterSchema, PageArgs):
    pass


@blp.route("/conformite")
class Compliance(MethodView):
    @blp.arguments(ComplianceQueryArgs, location="query")
    @blp.response(200, page_schema(ObligationComplianceSchema))
    def get(self, args):
        """Respect des obligations par partenaire (`par=partenaire`) ou par convention.

        Échéances déjà passées par statut et part reçue ou tenue à temps, à une date (`date`).
        """
        rows = conventions.compliance(
            "partner" if args["par"] == "partenaire" else "convention",
            args.get("date") or clock.today(),
            args.get("convention"),
        )
        return paginate_list(rows, args)


# --- money ----------------------------------------------------------------------------------------


class InstalmentQueryArgs(InstalmentFilterSchema, PageArgs):
    pass


@blp.route("/versements")
class Instalments(MethodView):
    @blp.arguments(InstalmentQueryArgs, location="query")
    @blp.response(200, page_schema(InstalmentSchema))
    def get(self, args):
        """Les échéances de versement des engagements financiers, par date d'échéance.

        Chacune avec son montant, son statut, les pièces qu'elle attend et son paiement ;
        filtres : statut, convention, date de lecture.
        """
        table = conventions.money_table(
            args.get("date") or clock.today(), args.get("convention"), status=args.get("statut")
        )
        return paginate_list(table.instalments, args)


@blp.route("/versements/<int:line_id>/paiement")
class InstalmentPayment(MethodView):
    @blp.arguments(InstalmentPaymentSchema)
    @blp.response(201, InstalmentSchema)
    def post(self, data, line_id: int):
        """Enregistrer le paiement d'une échéance (ligne de l'échéancier, période `period_no`).

        Elle doit être exigible (ses pièces reçues) et payée en entier.
        """
        line = load_scoped(ScheduleLine, line_id)
        payment = conventions.record_payment(
            api_actor(),
            line,
            data["period_no"],
            data["paid_on"],
            data.get("amount"),
            data.get("reference"),
        )
        db.session.commit()
        return conventions.instalment_of(line, payment.period_no)
