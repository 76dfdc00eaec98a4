"""JSON shapes of the money of the conventions: an instalment of one period (amount, due date,
status, documents awaited, payment), its filters, and a payment. Amounts travel as strings."""

from __future__ import annotations

from marshmallow import pre_dump

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
    statut = s.vocabulary(enums.InstalmentStatus, "Statut", dump_only=True)
    statut_libelle = s.String(dump_only=True)
    pieces_manquantes = s.List(s.String(), dump_only=True)
    exigible_depuis = s.Date(dump_only=True)
    paiement = s.Nested(InstalmentPaymentSchema, dump_only=True, allow_none=True)

    @pre_dump
    def _flatten(self, instalment, **kwargs):
        commitment = instalment.commitment
        return {
            "convention_id": instalment.convention.id,
            "convention_reference": instalment.convention.reference,
            "engagement_id": commitment.id,
            "engagement": commitment.label,
            # the names of the parties: prepared by the caller (``saas.schemas.Prepared``)
            "payeur": instalment.payeur,
            "beneficiaire": instalment.beneficiaire,
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
    statut = s.vocabulary(enums.InstalmentStatus)
    convention = s.Integer(metadata={"description": "Identifiant de convention"})
    date = s.Date(metadata={"description": "Date de lecture (par défaut : aujourd'hui)"})
