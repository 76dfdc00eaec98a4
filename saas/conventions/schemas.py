"""JSON shapes of conventions: creation (with parties, resources, commitments and obligations),
signature, avenants, objection and termination; the convention read at a date (standing and terms
in force); the calendar of obligations; compliance; the money table and payments.

Bodies use the keys of ``saas.conventions.api`` (``create``, ``amend``, ``add_*``,
``object_to_renewal``, ``terminate``, ``record_receipt``, ``record_payment``), so a loaded dict is
the ``data`` those functions take. The computed views (standing of a convention, instalments) use
the French names the API documents (``statut``, ``prochaine_echeance``, ``montant``...).

A refused field is named with its path in the body, nested ones included
(``parties.0.organisation_id``, ``commitments.1.schedule.0.percent``), like the errors the api
raises itself. Amounts and full-time equivalents travel as strings ("4800.00").
"""

from __future__ import annotations

from collections.abc import Mapping

import marshmallow
from marshmallow import fields, pre_dump, validate

from saas import schemas as s
from saas.conventions import enums


def _described(labels: Mapping) -> str:
    return ", ".join(f"{key} ({label})" for key, label in labels.items())


def _range(low, high, message: str) -> validate.Range:
    return validate.Range(low, high, error=message)


def _positive(description: str, high=None, **kwargs) -> s.Decimal:
    return s.Decimal(
        as_string=True,
        validate=validate.Range(
            0,
            high,
            min_inclusive=False,
            error="La valeur doit être positive."
            if high is None
            else f"La valeur doit être positive, {high} au plus.",
        ),
        metadata={"description": description},
        **kwargs,
    )


def flat_messages(messages, prefix: str = "") -> dict[str, list]:
    """``{"parties": {0: {"role": [...]}}}`` -> ``{"parties.0.role": [...]}`` (``_schema``: the
    object itself)."""
    if not isinstance(messages, Mapping):
        return {prefix or "_schema": messages if isinstance(messages, list) else [messages]}
    flat: dict[str, list] = {}
    for key, value in messages.items():
        path = prefix if key == "_schema" else (f"{prefix}.{key}" if prefix else str(key))
        flat.update(flat_messages(value, path))
    return flat


class Body(s.Schema):
    """A request body whose errors name nested fields by their dotted path."""

    def handle_error(self, error: marshmallow.ValidationError, data, *, many: bool, **kwargs):
        raise marshmallow.ValidationError(flat_messages(error.messages), data=data)


def _organisation_name(tenant_id: int, organisation_id: int | None) -> str | None:
    from saas.db import db
    from saas.partenaires.models import Organisation

    if organisation_id is None:
        return None
    organisation = db.session.get(Organisation, (tenant_id, organisation_id))
    return organisation.name if organisation is not None else None


def _attributes(obj, schema: marshmallow.Schema) -> dict:
    return {key: getattr(obj, key, None) for key in schema.fields}


# --------------------------------------------------------------------------- terms


class ConventionArticleSchema(s.Schema):
    numero = s.String(allow_none=True, validate=s.max_length(40), metadata={"description": "Numéro"})
    titre = s.String(allow_none=True, validate=s.max_length(300), metadata={"description": "Titre"})
    texte = s.String(required=True, metadata={"description": "Texte de l'article"})


class ConventionPartySchema(Body):
    """A party (``add_party``): an organisation of the territory and its role."""

    id = s.Integer(dump_only=True)
    organisation_id = s.Integer(required=True)
    organisation = s.String(dump_only=True, metadata={"description": "Nom de l'organisation"})
    role = s.String(
        required=True,
        validate=s.one_of(enums.PARTY_ROLES),
        metadata={"description": "Rôle : " + _described(enums.PARTY_ROLES)},
    )
    role_label = s.String(dump_only=True)
    signatory = s.Boolean(metadata={"description": "Signataire (par défaut : oui)"})
    represented_by = s.String(allow_none=True, validate=s.max_length(200))
    is_guichet = s.Boolean(
        metadata={"description": "Cette partie est le guichet : ses obligations vont aux facilitateurs"}
    )

    @pre_dump
    def _names(self, party, **kwargs):
        data = _attributes(party, self)
        data["organisation"] = _organisation_name(party.tenant_id, party.organisation_id)
        data["role_label"] = enums.PARTY_ROLES.get(party.role)
        return data


class ConventionResourceSchema(Body):
    """Staff committed (``add_resource``): "un conseiller à mi-temps (0.5 ETP)"."""

    id = s.Integer(dump_only=True)
    provider_id = s.Integer(required=True, metadata={"description": "Partie qui met à disposition"})
    provider = s.String(dump_only=True)
    label = s.String(required=True, validate=s.max_length(200), metadata={"description": "Fonction"})
    fte = _positive("Temps mis à disposition en ETP (0.5 = mi-temps)", 50, required=True)
    person_name = s.String(allow_none=True, validate=s.max_length(200))
    from_terms = s.Integer(
        dump_only=True, metadata={"description": "Termes (0 : signés, n : avenant n) qui l'ont ajouté"}
    )
    until_terms = s.Integer(dump_only=True, metadata={"description": "Avenant qui l'a remplacé"})

    @pre_dump
    def _names(self, resource, **kwargs):
        data = _attributes(resource, self)
        data["provider"] = _organisation_name(resource.tenant_id, resource.provider_id)
        return data


class ScheduleLineSchema(s.Schema):
    """One instalment of a commitment."""

    id = s.Integer(dump_only=True)
    seq = s.Integer(dump_only=True)
    label = s.String(required=True, validate=s.max_length(200))
    percent = _positive("Part de l'engagement (en %)", 100, required=True)
    trigger = s.String(
        required=True,
        validate=s.one_of(enums.TRIGGERS),
        metadata={"description": "Exigible : " + _described(enums.TRIGGERS)},
    )
    offset_days = s.Integer(
        validate=_range(0, 365, "Le délai est compris entre 0 et 365 jours."),
        metadata={"description": "Jours après le déclencheur"},
    )
    required_deliverables = s.List(
        s.String(validate=s.one_of(enums.DELIVERABLE_CATEGORIES)),
        metadata={"description": "Livrables de la même période à recevoir avant de payer (catégories)"},
    )


class FinancialCommitmentSchema(Body):
    """A financial commitment (``add_commitment``) and its instalments (100 % in all)."""

    id = s.Integer(dump_only=True)
    payer_id = s.Integer(required=True)
    payer = s.String(dump_only=True)
    payee_id = s.Integer(required=True)
    payee = s.String(dump_only=True)
    label = s.String(required=True, validate=s.max_length(200))
    basis = s.String(
        required=True,
        validate=s.one_of(enums.COMMITMENT_BASES),
        metadata={"description": "Base : " + _described(enums.COMMITMENT_BASES)},
    )
    amount = _positive("Montant forfaitaire par période (basis fixed)", allow_none=True)
    rate_per_post = _positive("Montant par poste à temps plein (basis per_post)", allow_none=True)
    posts_fte = _positive("Postes à temps plein travaillés sur la fonction (basis per_post)", allow_none=True)
    recurrence = s.String(
        validate=s.one_of(enums.RECURRENCES),
        metadata={"description": "Récurrence : " + _described(enums.RECURRENCES)},
    )
    article = s.String(allow_none=True, validate=s.max_length(40))
    schedule = s.List(
        s.Nested(ScheduleLineSchema),
        metadata={"description": "Échéancier (par défaut : 100 % à la signature)"},
    )
    period_amount = s.Decimal(
        as_string=True, dump_only=True, metadata={"description": "Montant d'une période"}
    )
    from_terms = s.Integer(dump_only=True)
    until_terms = s.Integer(dump_only=True)

    @pre_dump
    def _lines(self, commitment, **kwargs):
        from saas.conventions import api as conventions

        data = _attributes(commitment, self)
        data["payer"] = _organisation_name(commitment.tenant_id, commitment.payer_id)
        data["payee"] = _organisation_name(commitment.tenant_id, commitment.payee_id)
        data["schedule"] = conventions.schedule_lines_of(commitment.id)
        data["period_amount"] = conventions.commitment_amount(commitment)
        return data


class ConventionObligationSchema(Body):
    """An obligation of a party (``add_obligation``): a deliverable or a meeting, and its cadence."""

    id = s.Integer(dump_only=True)
    responsible_id = s.Integer(required=True, metadata={"description": "Partie qui doit l'obligation"})
    responsible = s.String(dump_only=True)
    recipient_id = s.Integer(allow_none=True, metadata={"description": "Partie destinataire"})
    recipient = s.String(dump_only=True)
    nature = s.String(
        required=True,
        validate=s.one_of(enums.NATURES),
        metadata={"description": "Nature : " + _described(enums.NATURES)},
    )
    category = s.String(
        required=True,
        validate=s.one_of(enums.CATEGORIES),
        metadata={"description": "Catégorie : " + _described(enums.CATEGORIES)},
    )
    category_label = s.String(dump_only=True)
    label = s.String(allow_none=True, validate=s.max_length(300))
    cadence = s.String(
        required=True,
        validate=s.one_of(enums.CADENCES),
        metadata={"description": "Périodicité : " + _described(enums.CADENCES)},
    )
    cadence_label = s.String(dump_only=True)
    day_of_month = s.Integer(
        allow_none=True,
        validate=_range(1, 28, "Le jour du mois est compris entre 1 et 28."),
        metadata={"description": "monthly : jour du mois de l'échéance"},
    )
    weekday = s.Integer(
        allow_none=True,
        validate=_range(0, 6, "Le jour de la semaine est compris entre 0 (lundi) et 6 (dimanche)."),
        metadata={"description": "weekly : 0 lundi … 6 dimanche (par défaut : vendredi)"},
    )
    offset_days = s.Integer(
        allow_none=True, validate=_range(0, 365, "Le délai est compris entre 0 et 365 jours.")
    )
    offset_months = s.Integer(
        allow_none=True, validate=_range(0, 12, "Le délai est compris entre 0 et 12 mois.")
    )
    event_label = s.String(
        allow_none=True,
        validate=s.max_length(100),
        metadata={"description": "after_event : l'événement (« assemblée générale »)"},
    )
    event_default_month = s.Integer(
        allow_none=True,
        validate=_range(1, 12, "Choisissez le mois habituel de l'événement (1 à 12)."),
        metadata={"description": "after_event : mois habituel de l'événement"},
    )
    article = s.String(allow_none=True, validate=s.max_length(40))
    from_terms = s.Integer(dump_only=True)
    until_terms = s.Integer(dump_only=True)

    @pre_dump
    def _names(self, obligation, **kwargs):
        data = _attributes(obligation, self)
        data["responsible"] = _organisation_name(obligation.tenant_id, obligation.responsible_id)
        data["recipient"] = _organisation_name(obligation.tenant_id, obligation.recipient_id)
        data["category_label"] = enums.CATEGORIES.get(obligation.category)
        data["cadence_label"] = enums.CADENCES.get(obligation.cadence)
        return data


class _DurationFields(s.Schema):
    duration_kind = s.String(
        validate=s.one_of(enums.DURATION_KINDS),
        metadata={"description": "Durée : " + _described(enums.DURATION_KINDS)},
    )
    period_months = s.Integer(
        validate=_range(1, 60, "La durée d'une période est comprise entre 1 et 60 mois."),
        metadata={"description": "Durée d'une période en mois (reconduction tacite ; 12 par défaut)"},
    )
    end_on = s.Date(allow_none=True, metadata={"description": "Date de fin (durée déterminée)"})
    max_renewals = s.Integer(
        allow_none=True,
        validate=_range(0, 50, "Le nombre de reconductions est compris entre 0 et 50."),
        metadata={"description": "Reconductions tacites permises (null : sans limite)"},
    )
    notice_months = s.Integer(
        validate=_range(0, 12, "Le préavis est compris entre 0 et 12 mois."),
        metadata={"description": "Préavis de dénonciation avant l'échéance, en mois"},
    )


class ConventionTermsSchema(_DurationFields):
    """One version of the terms: as signed (number 0) or as changed by avenant n."""

    number = s.Integer(dump_only=True, metadata={"description": "0 : termes signés ; n : avenant n"})
    signed_on = s.Date(dump_only=True)
    effective_from = s.Date(dump_only=True)
    summary = s.String(dump_only=True, metadata={"description": "Ce que change l'avenant"})
    object = s.String(dump_only=True)
    articles = s.List(s.Nested(ConventionArticleSchema), dump_only=True)
    duration_kind_label = s.String(dump_only=True)
    objecting_party_id = s.Integer(
        dump_only=True, metadata={"description": "Seule partie qui peut dénoncer (null : toutes)"}
    )
    amendments_at_renewal_only = s.Boolean(dump_only=True)
    created_at = s.DateTime(dump_only=True)

    @pre_dump
    def _label(self, terms, **kwargs):
        data = _attributes(terms, self)
        data["duration_kind_label"] = enums.DURATION_KINDS.get(terms.duration_kind)
        return data


class TermsInForceSchema(ConventionTermsSchema):
    """The terms in force at a date, with the resources, commitments and obligations they carry."""

    resources = s.List(s.Nested(ConventionResourceSchema), dump_only=True)
    commitments = s.List(s.Nested(FinancialCommitmentSchema), dump_only=True)
    obligations = s.List(s.Nested(ConventionObligationSchema), dump_only=True)

    @pre_dump
    def _label(self, in_force, **kwargs):
        data = _attributes(in_force.terms, self)
        data["duration_kind_label"] = enums.DURATION_KINDS.get(in_force.terms.duration_kind)
        data["resources"] = in_force.resources
        data["commitments"] = in_force.commitments
        data["obligations"] = in_force.obligations
        return data


# --------------------------------------------------------------------------- the convention


class ConventionCreateSchema(Body, _DurationFields):
    """A convention as ``create`` takes it: signed terms, parties, and optionally its resources,
    commitments and obligations. Without ``signed_on`` it stays a draft that may be completed."""

    reference = s.String(required=True, validate=s.max_length(40))
    title = s.String(required=True, validate=s.max_length(300))
    kind = s.String(
        required=True,
        validate=s.one_of(enums.KINDS),
        metadata={"description": "Type : " + _described(enums.KINDS)},
    )
    effective_on = s.Date(required=True, metadata={"description": "Premier jour de la première période"})
    signed_on = s.Date(allow_none=True, metadata={"description": "Date de signature (absente : brouillon)"})
    signed_at_place = s.String(allow_none=True, validate=s.max_length(120))
    object = s.String(required=True, validate=s.max_length(5000))
    articles = s.List(s.Nested(ConventionArticleSchema))
    duration_kind = s.String(
        required=True,
        validate=s.one_of(enums.DURATION_KINDS),
        metadata={"description": "Durée : " + _described(enums.DURATION_KINDS)},
    )
    objecting_party_id = s.Integer(
        allow_none=True, metadata={"description": "Seule partie qui peut dénoncer à l'échéance"}
    )
    amendments_at_renewal_only = s.Boolean(
        metadata={"description": "Avenants seulement au renouvellement annuel"}
    )
    parties = s.List(
        s.Nested(ConventionPartySchema), required=True, metadata={"description": "Deux parties au moins"}
    )
    resources = s.List(s.Nested(ConventionResourceSchema))
    commitments = s.List(s.Nested(FinancialCommitmentSchema))
    obligations = s.List(s.Nested(ConventionObligationSchema))


class ConventionPeriodSchema(s.Schema):
    numero = s.Integer(dump_only=True)
    debut = s.Date(dump_only=True)
    fin = s.Date(dump_only=True, metadata={"description": "Échéance de la période"})
    dernier_jour_pour_denoncer = s.Date(dump_only=True)
    reconductible = s.Boolean(dump_only=True)


class ConventionObjectionSchema(Body):
    """An objection to the tacit renewal (``object_to_renewal``): the convention ends at the first
    term whose notice is still open on the day it is received (``late``: not the current one)."""

    party_id = s.Integer(required=True, metadata={"description": "Partie qui dénonce"})
    party = s.String(dump_only=True)
    received_on = s.Date(required=True, metadata={"description": "Date de réception de la dénonciation"})
    reason = s.String(allow_none=True, validate=s.max_length(500))
    effective_term = s.Date(dump_only=True, metadata={"description": "Échéance à laquelle elle prend fin"})
    late = s.Boolean(
        dump_only=True,
        metadata={"description": "Reçue après le préavis de l'échéance en cours : vaut pour la suivante"},
    )
    recorded_at = s.DateTime(dump_only=True)

    @pre_dump
    def _names(self, objection, **kwargs):
        from saas.conventions import api as conventions

        data = _attributes(objection, self)
        data["party"] = _organisation_name(objection.tenant_id, objection.party_id)
        convention = conventions.get(objection.convention_id)
        assert convention is not None, "the convention of an objection exists (foreign key)"
        data["late"] = conventions.objection_was_late(objection, convention)
        return data


class ConventionSummarySchema(s.Schema):
    """A convention and where it stands (``statut``) today."""

    id = s.Integer(dump_only=True)
    reference = s.String(dump_only=True)
    title = s.String(dump_only=True)
    kind = s.String(dump_only=True)
    kind_label = s.String(dump_only=True)
    signed_on = s.Date(dump_only=True)
    signed_at_place = s.String(dump_only=True)
    effective_on = s.Date(dump_only=True)
    terminated_on = s.Date(dump_only=True)
    termination_reason = s.String(dump_only=True)
    statut = s.String(
        dump_only=True, metadata={"description": "Statut : " + _described(enums.CONVENTION_STATUSES)}
    )
    statut_libelle = s.String(dump_only=True)
    prochaine_echeance = s.Date(dump_only=True, metadata={"description": "Fin de la période en cours"})
    fin_prevue = s.Date(
        dump_only=True, metadata={"description": "Dernier jour prévu (null : reconduite à l'échéance)"}
    )


class ConventionRenewalSchema(s.Schema):
    period_no = s.Integer(dump_only=True)
    starts_on = s.Date(dump_only=True)
    ends_on = s.Date(dump_only=True)
    recorded_at = s.DateTime(dump_only=True)


class ConventionDocumentSchema(s.Schema):
    """A document's metadata; its file is at ``/conventions/{id}/documents/{document_id}``."""

    id = s.Integer(dump_only=True)
    kind = s.String(dump_only=True, metadata={"description": _described(enums.DOCUMENT_KINDS)})
    title = s.String(dump_only=True)
    filename = s.String(dump_only=True)
    mimetype = s.String(dump_only=True)
    size = s.Integer(dump_only=True, metadata={"description": "Taille en octets"})
    uploaded_at = s.DateTime(dump_only=True)


class ConventionDetailSchema(ConventionSummarySchema):
    """A convention read at a date: its standing, the terms then in force, its history."""

    date = s.Date(dump_only=True, metadata={"description": "Date de lecture"})
    periode = s.Nested(
        ConventionPeriodSchema, dump_only=True, allow_none=True, metadata={"description": "Période en cours"}
    )
    dernier_jour_pour_denoncer = s.Date(
        dump_only=True, metadata={"description": "Dernier jour pour dénoncer avant la prochaine échéance"}
    )
    reconductible = s.Boolean(dump_only=True, metadata={"description": "Reconduite à la prochaine échéance"})
    reconductions_restantes = s.Integer(
        dump_only=True, metadata={"description": "Reconductions encore permises (null : sans limite)"}
    )
    denonciation = s.Nested(ConventionObjectionSchema, dump_only=True, allow_none=True)
    terms = s.Nested(
        TermsInForceSchema, dump_only=True, metadata={"description": "Termes en vigueur à la date"}
    )
    parties = s.List(s.Nested(ConventionPartySchema), dump_only=True)
    versions = s.List(
        s.Nested(ConventionTermsSchema), dump_only=True, metadata={"description": "Termes signés et avenants"}
    )
    renewals = s.List(s.Nested(ConventionRenewalSchema), dump_only=True)
    documents = s.List(s.Nested(ConventionDocumentSchema), dump_only=True)


class ConventionFilterSchema(s.Schema):
    kind = s.String(validate=s.one_of(enums.KINDS))
    status = s.String(
        validate=s.one_of(enums.CONVENTION_STATUSES),
        metadata={"description": "Statut aujourd'hui : " + _described(enums.CONVENTION_STATUSES)},
    )


class ReadDateSchema(s.Schema):
    date = s.Date(metadata={"description": "Lire la convention à cette date (par défaut : aujourd'hui)"})


class ConventionSignatureSchema(Body):
    signed_on = s.Date(required=True)
    signed_at_place = s.String(allow_none=True, validate=s.max_length(120))


class ConventionTerminationSchema(Body):
    terminated_on = s.Date(required=True)
    reason = s.String(required=True, validate=s.max_length(500))


class ConventionAdditionsSchema(s.Schema):
    resources = s.List(s.Nested(ConventionResourceSchema))
    commitments = s.List(s.Nested(FinancialCommitmentSchema))
    obligations = s.List(s.Nested(ConventionObligationSchema))


class ConventionClosuresSchema(s.Schema):
    resources = s.List(s.Integer())
    commitments = s.List(s.Integer())
    obligations = s.List(s.Integer())


class ConventionAmendmentSchema(Body, _DurationFields):
    """An avenant (``amend``): what changes from ``effective_from``; what it replaces is closed."""

    signed_on = s.Date(required=True)
    effective_from = s.Date(required=True)
    summary = s.String(required=True, validate=s.max_length(5000))
    object = s.String(allow_none=True, validate=s.max_length(5000))
    articles = s.List(s.Nested(ConventionArticleSchema), allow_none=True)
    add = s.Nested(ConventionAdditionsSchema, metadata={"description": "Termes ajoutés"})
    close = s.Nested(
        ConventionClosuresSchema,
        metadata={"description": "Identifiants des termes qui cessent (pour changer : clore et ajouter)"},
    )


# --------------------------------------------------------------------------- calendar


class OccurrenceSchema(s.Schema):
    """One due date of an obligation, with its status on the day read."""

    id = s.Integer(dump_only=True)
    due_on = s.Date(dump_only=True)
    received_on = s.Date(dump_only=True)
    provisional = s.Boolean(dump_only=True, metadata={"description": "Date attendue d'un événement non daté"})
    event_on = s.Date(dump_only=True)
    period_no = s.Integer(dump_only=True)
    meeting_id = s.Integer(dump_only=True)
    note = s.String(dump_only=True)
    obligation_id = s.Integer(dump_only=True)
    label = s.String(dump_only=True)
    nature = s.String(dump_only=True)
    category = s.String(dump_only=True)
    cadence = s.String(dump_only=True)
    event_label = s.String(dump_only=True)
    article = s.String(dump_only=True)
    convention_id = s.Integer(dump_only=True)
    convention_reference = s.String(dump_only=True)
    convention_title = s.String(dump_only=True)
    responsible_id = s.Integer(dump_only=True)
    responsible_name = s.String(dump_only=True)
    recipient_name = s.String(dump_only=True)
    status = s.String(
        dump_only=True, metadata={"description": "Statut : " + _described(enums.OCCURRENCE_STATUSES)}
    )
    status_label = fields.Function(lambda row: enums.OCCURRENCE_STATUSES.get(row.status), dump_only=True)


class CalendarFilterSchema(s.Schema):
    convention = s.Integer(metadata={"description": "Identifiant de convention"})
    responsable = s.Integer(metadata={"description": "Organisation qui doit l'obligation"})
    statut = s.String(
        validate=s.one_of(enums.OCCURRENCE_STATUSES),
        metadata={"description": _described(enums.OCCURRENCE_STATUSES)},
    )
    nature = s.String(validate=s.one_of(enums.NATURES))
    du = s.Date(metadata={"description": "Échéances à partir de ce jour"})
    au = s.Date(metadata={"description": "Échéances jusqu'à ce jour"})


class OccurrenceReceptionSchema(Body):
    received_on = s.Date(
        allow_none=True, metadata={"description": "Date de réception (par défaut : aujourd'hui)"}
    )
    note = s.String(allow_none=True, validate=s.max_length(500))


class OccurrenceEventSchema(Body):
    event_on = s.Date(required=True, metadata={"description": "Date de l'événement (assemblée générale…)"})


class ComplianceFilterSchema(s.Schema):
    par = s.String(
        load_default="partenaire",
        validate=s.one_of(["partenaire", "convention"]),
        metadata={"description": "Regrouper par partenaire (qui doit l'obligation) ou par convention"},
    )
    date = s.Date(metadata={"description": "Date de lecture (par défaut : aujourd'hui)"})
    convention = s.Integer(metadata={"description": "Une seule convention"})


class ObligationComplianceSchema(s.Schema):
    """Occurrences already due by status, and the share received or held on time."""

    id = s.Integer(dump_only=True)
    label = s.String(dump_only=True)
    due = s.Integer(dump_only=True, metadata={"description": "Échéances passées (ou déjà reçues)"})
    on_time = s.Integer(dump_only=True)
    received_late = s.Integer(dump_only=True)
    late = s.Integer(dump_only=True)
    missing = s.Integer(dump_only=True)
    rate = fields.Float(dump_only=True, allow_none=True, metadata={"description": "Part à temps (0 à 1)"})


# --------------------------------------------------------------------------- money


class InstalmentPaymentSchema(Body):
    """A payment (``record_payment``) of one instalment of one period, in full."""

    period_no = s.Integer(
        required=True,
        validate=_range(1, None, "Une période à partir de 1."),
        metadata={"description": "Numéro de la période de la convention"},
    )
    paid_on = s.Date(required=True)
    amount = _positive("Montant payé (par défaut : celui de l'échéance)", allow_none=True)
    reference = s.String(allow_none=True, validate=s.max_length(100))
    recorded_at = s.DateTime(dump_only=True)


class InstalmentSchema(s.Schema):
    """One instalment of one period: amount, due date, status, documents awaited, payment."""

    convention_id = s.Integer(dump_only=True)
    convention_reference = s.String(dump_only=True)
    engagement_id = s.Integer(dump_only=True)
    engagement = s.String(dump_only=True, metadata={"description": "Libellé de l'engagement"})
    payeur = s.String(dump_only=True)
    beneficiaire = s.String(dump_only=True)
    ligne_id = s.Integer(dump_only=True, metadata={"description": "Ligne de l'échéancier"})
    ligne = s.String(dump_only=True)
    periode = s.Integer(dump_only=True, metadata={"description": "Numéro de période (period_no)"})
    periode_debut = s.Date(dump_only=True)
    periode_fin = s.Date(dump_only=True)
    montant = s.Decimal(as_string=True, places=2, dump_only=True)
    date_echeance = s.Date(dump_only=True)
    statut = s.String(
        dump_only=True, metadata={"description": "Statut : " + _described(enums.INSTALMENT_STATUSES)}
    )
    statut_libelle = s.String(dump_only=True)
    pieces_manquantes = s.List(s.String(), dump_only=True)
    exigible_depuis = s.Date(dump_only=True)
    paiement = s.Nested(InstalmentPaymentSchema, dump_only=True, allow_none=True)

    @pre_dump
    def _flatten(self, instalment, **kwargs):
        commitment, tenant_id = instalment.commitment, instalment.convention.tenant_id
        return {
            "convention_id": instalment.convention.id,
            "convention_reference": instalment.convention.reference,
            "engagement_id": commitment.id,
            "engagement": commitment.label,
            "payeur": _organisation_name(tenant_id, commitment.payer_id),
            "beneficiaire": _organisation_name(tenant_id, commitment.payee_id),
            "ligne_id": instalment.line.id,
            "ligne": instalment.line.label,
            "periode": instalment.period.number,
            "periode_debut": instalment.period.start,
            "periode_fin": instalment.period.end,
            "montant": instalment.amount,
            "date_echeance": instalment.due_on,
            "statut": instalment.status,
            "statut_libelle": instalment.status_label,
            "pieces_manquantes": instalment.missing,
            "exigible_depuis": instalment.payable_since,
            "paiement": instalment.payment,
        }


class InstalmentFilterSchema(s.Schema):
    statut = s.String(
        validate=s.one_of(enums.INSTALMENT_STATUSES),
        metadata={"description": _described(enums.INSTALMENT_STATUSES)},
    )
    convention = s.Integer(metadata={"description": "Identifiant de convention"})
    date = s.Date(metadata={"description": "Date de lecture (par défaut : aujourd'hui)"})
