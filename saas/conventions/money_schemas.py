"""JSON shapes of the money of the conventions: an instalment of one period (amount, due date,
status, documents awaited, payment), its filters, and a payment. Amounts travel as strings."""

from __future__ import annotations

from saas import schemas as s
from saas.conventions import enums
from saas.conventions.schema_base import Body, positive, range_of

# --------------------------------------------------------------------------- money


class InstalmentPaymentSchema(Body):
    """A payment (``record_payment``) of one instalment of one period, in full."""

    period_no = s.Integer(
        required=True,
        validate=range_of(1, None, "Une période à partir de 1."),
        metadata={"description": "Numéro de la période de la convention"},
    )
    paid_on = s.Date(required=True)
    amount = positive("Montant payé (par défaut : celui de l'échéance)", allow_none=True)
    reference = s.String(allow_none=True, validate=s.max_length(100))
    recorded_at = s.DateTime(dump_only=True)


class InstalmentSchema(s.Schema):
    """One instalment of one period (a ``conventions.Instalment``): amount, due date, status,
    documents awaited, payment. The API names its fields in French; each reads the attribute it
    names (``attribute``). The names of the parties are prepared by the caller (``Prepared``)."""

    convention_id = s.Integer(attribute="convention.id", dump_only=True)
    convention_reference = s.String(attribute="convention.reference", dump_only=True)
    engagement_id = s.Integer(attribute="commitment.id", dump_only=True)
    engagement = s.String(
        attribute="commitment.label", dump_only=True, metadata={"description": "Libellé de l'engagement"}
    )
    payeur = s.String(dump_only=True)
    beneficiaire = s.String(dump_only=True)
    ligne_id = s.Integer(
        attribute="line.id", dump_only=True, metadata={"description": "Ligne de l'échéancier"}
    )
    ligne = s.String(attribute="line.label", dump_only=True)
    periode = s.Integer(
        attribute="period.number", dump_only=True, metadata={"description": "Numéro de période (period_no)"}
    )
    periode_debut = s.Date(attribute="period.start", dump_only=True)
    periode_fin = s.Date(attribute="period.end", dump_only=True)
    montant = s.Decimal(attribute="amount", as_string=True, places=2, dump_only=True)
    date_echeance = s.Date(attribute="due_on", dump_only=True)
    statut = s.vocabulary(enums.InstalmentStatus, "Statut", attribute="status", dump_only=True)
    statut_libelle = s.String(attribute="status_label", dump_only=True)
    pieces_manquantes = s.List(s.String(), attribute="missing", dump_only=True)
    exigible_depuis = s.Date(attribute="payable_since", dump_only=True)
    paiement = s.Nested(InstalmentPaymentSchema, attribute="payment", dump_only=True, allow_none=True)


class InstalmentFilterSchema(s.Schema):
    statut = s.vocabulary(enums.InstalmentStatus)
    convention = s.Integer(metadata={"description": "Identifiant de convention"})
    date = s.Date(metadata={"description": "Date de lecture (par défaut : aujourd'hui)"})
