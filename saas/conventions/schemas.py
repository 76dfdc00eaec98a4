"""JSON shapes of conventions: creation (with parties, resources, commitments and obligations),
signature, avenants, objection and termination; the convention read at a date (standing and terms
in force). The calendar and compliance are in ``calendar_schemas``, the money table and payments
in ``money_schemas``.

Bodies use the keys of ``saas.conventions.api`` (``create``, ``amend``, ``add_*``,
``object_to_renewal``, ``terminate``, ``record_receipt``, ``record_payment``), so a loaded dict is
the ``data`` those functions take. The computed views (standing of a convention, instalments) use
the French names the API documents (``statut``, ``prochaine_echeance``, ``montant``...).

A refused field is named with its path in the body, nested ones included
(``parties.0.organisation_id``, ``commitments.1.schedule.0.percent``), like the errors the api
raises itself. Amounts and full-time equivalents travel as strings ("4800.00").
"""

from __future__ import annotations

from saas import schemas as s
from saas.conventions import bounds, enums
from saas.conventions.models import Convention
from saas.conventions.schema_base import Body, bounded, positive

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
    role = s.vocabulary(enums.PartyRole, "Rôle", required=True)
    role_label = s.Label(enums.PartyRole, "role")
    signatory = s.Boolean(metadata={"description": "Signataire (par défaut : oui)"})
    represented_by = s.String(allow_none=True, validate=s.max_length(200))
    is_guichet = s.Boolean(
        metadata={"description": "Cette partie est le guichet : ses obligations vont aux facilitateurs"}
    )


class ConventionResourceSchema(Body):
    """Staff committed (``add_resource``): "un conseiller à mi-temps (0.5 ETP)"."""

    id = s.Integer(dump_only=True)
    provider_id = s.Integer(required=True, metadata={"description": "Partie qui met à disposition"})
    provider = s.String(dump_only=True)
    label = s.String(required=True, validate=s.max_length(200), metadata={"description": "Fonction"})
    fte = positive("Temps mis à disposition en ETP (0.5 = mi-temps)", bounds.MAX_FTE, required=True)
    person_name = s.String(allow_none=True, validate=s.max_length(200))
    from_terms = s.Integer(
        dump_only=True, metadata={"description": "Termes (0 : signés, n : avenant n) qui l'ont ajouté"}
    )
    until_terms = s.Integer(dump_only=True, metadata={"description": "Avenant qui l'a remplacé"})


class ScheduleLineSchema(s.Schema):
    """One instalment of a commitment."""

    id = s.Integer(dump_only=True)
    seq = s.Integer(dump_only=True)
    label = s.String(required=True, validate=s.max_length(200))
    percent = positive("Part de l'engagement (en %)", bounds.MAX_PERCENT, required=True)
    trigger = s.vocabulary(enums.Trigger, "Exigible", required=True)
    offset_days = s.Integer(
        validate=bounded(bounds.OFFSET_DAYS),
        metadata={"description": "Jours après le déclencheur"},
    )
    required_deliverables = s.List(
        s.String(validate=s.one_of(enums.DeliverableCategory)),
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
    basis = s.vocabulary(enums.CommitmentBasis, "Base", required=True)
    amount = positive("Montant forfaitaire par période (basis fixed)", allow_none=True)
    rate_per_post = positive("Montant par poste à temps plein (basis per_post)", allow_none=True)
    posts_fte = positive("Postes à temps plein travaillés sur la fonction (basis per_post)", allow_none=True)
    recurrence = s.vocabulary(enums.Recurrence, "Récurrence")
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


class ConventionObligationSchema(Body):
    """An obligation of a party (``add_obligation``): a deliverable or a meeting, and its cadence."""

    id = s.Integer(dump_only=True)
    responsible_id = s.Integer(required=True, metadata={"description": "Partie qui doit l'obligation"})
    responsible = s.String(dump_only=True)
    recipient_id = s.Integer(allow_none=True, metadata={"description": "Partie destinataire"})
    recipient = s.String(dump_only=True)
    nature = s.vocabulary(enums.Nature, "Nature", required=True)
    category = s.vocabulary(enums.CATEGORIES, "Catégorie", required=True)
    category_label = s.Label(enums.CATEGORIES, "category")
    label = s.String(allow_none=True, validate=s.max_length(300))
    cadence = s.vocabulary(enums.Cadence, "Périodicité", required=True)
    cadence_label = s.Label(enums.Cadence, "cadence")
    day_of_month = s.Integer(
        allow_none=True,
        validate=bounded(bounds.DAY_OF_MONTH),
        metadata={"description": "monthly : jour du mois de l'échéance"},
    )
    weekday = s.Integer(
        allow_none=True,
        validate=bounded(
            bounds.WEEKDAY, "Le jour de la semaine est compris entre 0 (lundi) et 6 (dimanche)."
        ),
        metadata={"description": "weekly : 0 lundi … 6 dimanche (par défaut : vendredi)"},
    )
    offset_days = s.Integer(allow_none=True, validate=bounded(bounds.OFFSET_DAYS))
    offset_months = s.Integer(allow_none=True, validate=bounded(bounds.OFFSET_MONTHS))
    event_label = s.String(
        allow_none=True,
        validate=s.max_length(100),
        metadata={"description": "after_event : l'événement (« assemblée générale »)"},
    )
    event_default_month = s.Integer(
        allow_none=True,
        validate=bounded(bounds.EVENT_MONTH, "Choisissez le mois habituel de l'événement (1 à 12)."),
        metadata={"description": "after_event : mois habituel de l'événement"},
    )
    article = s.String(allow_none=True, validate=s.max_length(40))
    from_terms = s.Integer(dump_only=True)
    until_terms = s.Integer(dump_only=True)


class _DurationFields(s.Schema):
    duration_kind = s.vocabulary(enums.DurationKind, "Durée")
    period_months = s.Integer(
        validate=bounded(bounds.PERIOD_MONTHS),
        metadata={"description": "Durée d'une période en mois (reconduction tacite ; 12 par défaut)"},
    )
    end_on = s.Date(allow_none=True, metadata={"description": "Date de fin (durée déterminée)"})
    max_renewals = s.Integer(
        allow_none=True,
        validate=bounded(bounds.MAX_RENEWALS),
        metadata={"description": "Reconductions tacites permises (null : sans limite)"},
    )
    notice_months = s.Integer(
        validate=bounded(bounds.NOTICE_MONTHS),
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
    duration_kind_label = s.Label(enums.DurationKind, "duration_kind")
    objecting_party_id = s.Integer(
        dump_only=True, metadata={"description": "Seule partie qui peut dénoncer (null : toutes)"}
    )
    amendments_at_renewal_only = s.Boolean(dump_only=True)
    created_at = s.DateTime(dump_only=True)


class TermsInForceSchema(ConventionTermsSchema):
    """The terms in force at a date, with the resources, commitments and obligations they carry
    (``Prepared`` by the caller from a ``TermsInForce``)."""

    resources = s.List(s.Nested(ConventionResourceSchema), dump_only=True)
    commitments = s.List(s.Nested(FinancialCommitmentSchema), dump_only=True)
    obligations = s.List(s.Nested(ConventionObligationSchema), dump_only=True)


# --------------------------------------------------------------------------- the convention


class ConventionCreateSchema(Body, _DurationFields):
    """A convention as ``create`` takes it: signed terms, parties, and optionally its resources,
    commitments and obligations. Without ``signed_on`` it stays a draft that may be completed."""

    reference = s.String(required=True, validate=s.max_length(40))
    title = s.String(required=True, validate=s.max_length(300))
    kind = s.vocabulary(enums.Kind, "Type", required=True)
    effective_on = s.Date(required=True, metadata={"description": "Premier jour de la première période"})
    signed_on = s.Date(allow_none=True, metadata={"description": "Date de signature (absente : brouillon)"})
    signed_at_place = s.String(allow_none=True, validate=s.max_length(120))
    object = s.String(required=True, validate=s.max_length(5000))
    articles = s.List(s.Nested(ConventionArticleSchema))
    duration_kind = s.vocabulary(enums.DurationKind, "Durée", required=True)
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


class ConventionSummarySchema(s.Schema):
    """A convention and where it stands (``statut``) today."""

    convention = s.Columns(Convention, "id", "reference", "title", "kind")
    kind_label = s.String(dump_only=True)
    dates = s.Columns(
        Convention, "signed_on", "signed_at_place", "effective_on", "terminated_on", "termination_reason"
    )
    statut = s.vocabulary(enums.ConventionStatus, "Statut", dump_only=True)
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
    kind = s.vocabulary(enums.DocumentKind, dump_only=True)
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
    kind = s.String(validate=s.one_of(enums.Kind))
    status = s.vocabulary(enums.ConventionStatus, "Statut aujourd'hui")


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
