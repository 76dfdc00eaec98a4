"""JSON shapes of the partner API (``/api/v1/partenaire/``): the organisation's missions with the
names of its employees (what a payroll software matches), its statements, and a month's batch of
statements written all or nothing, as the portal's monthly declaration writes it."""

from __future__ import annotations

import marshmallow

from saas import bounds
from saas import schemas as s
from saas.heures.enums import ReleveStatus
from saas.heures.schemas import ReleveLotItemSchema


def _hours(description: str, **kwargs) -> s.Decimal:
    return s.Decimal(as_string=True, places=2, metadata={"description": description}, **kwargs)


class PartnerMissionSchema(s.Schema):
    id = s.Integer(dump_only=True)
    reference = s.String(dump_only=True, metadata={"description": "Référence de la personne (P-2026-00042)"})
    last_name = s.String(dump_only=True)
    first_name = s.String(dump_only=True)
    lot = s.String(dump_only=True)
    contract = s.String(dump_only=True, metadata={"description": "Type de contrat"})
    start_date = s.Date(dump_only=True)
    end_date = s.Date(dump_only=True, allow_none=True)
    weekly_hours = _hours("Heures hebdomadaires du contrat", dump_only=True)


class PartnerStatementSchema(s.Schema):
    id = s.Integer(dump_only=True)
    mission_id = s.Integer(dump_only=True)
    month = s.Date(dump_only=True)
    reference = s.String(dump_only=True)
    worked_hours = _hours("Heures travaillées", dump_only=True)
    training_hours = _hours("Heures de formation", dump_only=True)
    status = s.vocabulary(ReleveStatus, "Statut", dump_only=True)
    counted = _hours("Heures comptées (null : pas encore validé)", dump_only=True, allow_none=True)


class PartnerStatementFilterSchema(s.Schema):
    month = s.Date(metadata={"description": "Premier jour du mois"})


class PartnerLineSchema(ReleveLotItemSchema):
    """A statement of the batch: a line of the guichet's batch, which a partner neither validates
    nor confirms beyond the contract (such hours are confirmed on the declaration screen)."""

    class Meta:
        exclude = ("and_validate", "confirm_over_contract")


class PartnerBatchSchema(s.Schema):
    releves = s.List(
        s.Nested(PartnerLineSchema),
        required=True,
        validate=marshmallow.validate.Length(
            min=1, max=bounds.MAX_BATCH, error=f"Envoyez de 1 à {bounds.MAX_BATCH} relevés par lot."
        ),
    )


class PartnerBatchLineSchema(s.Schema):
    index = s.Integer(
        dump_only=True, metadata={"description": "Rang du relevé dans le lot envoyé (0 : le premier)"}
    )
    id = s.Integer(dump_only=True, metadata={"description": "Relevé écrit"})


class PartnerBatchResultSchema(s.Schema):
    declared = s.Integer(dump_only=True, metadata={"description": "Relevés nouveaux"})
    corrected = s.Integer(dump_only=True, metadata={"description": "Corrections d'un relevé déjà transmis"})
    unchanged = s.Integer(dump_only=True, metadata={"description": "Relevés déjà enregistrés à l'identique"})
    items = s.List(s.Nested(PartnerBatchLineSchema), dump_only=True)
