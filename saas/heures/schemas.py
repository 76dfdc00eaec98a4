"""JSON shapes of the hours ledger: statements with their counting, counting rules, mutualisation.

Field names are the parameter names of ``saas.heures.api`` (``declare``, ``correct``, ``validate``,
``reject``, ``new_rule_version``, ``create_agreement``), so a loaded dict can be passed as keyword
arguments. Numbers of hours travel as strings ("151.67") so that no figure is rounded on the way.
The ``source`` of a statement is never read from a body: the caller says where it comes from (the
JSON API declares and corrects with ``api``).
"""

from __future__ import annotations

import marshmallow
from marshmallow import fields, post_load, pre_dump

from saas import bounds
from saas import schemas as s
from saas.heures.enums import (
    AllocationKey,
    PartialEligibility,
    ReleveStatus,
    Source,
)

ROUNDING_STEPS = ["0.01", "0.25", "0.5", "1"]
ROUNDINGS = ["nearest", "up", "down"]
PARTIAL_ELIGIBILITY_HELP = (
    "Mois où l'éligibilité ne couvre qu'une partie des jours de mission : " + PartialEligibility.described()
)


def _confirm() -> s.Boolean:
    return s.Boolean(
        load_only=True,
        load_default=False,
        metadata={
            "description": "true pour confirmer des heures au-delà de celles du contrat (heures "
            "hebdomadaires de la mission × semaines de la mission dans le mois) ; sans elle, la "
            "déclaration est refusée (422 nommant ce champ). Au-delà de 48 h par semaine (Code du "
            "travail, art. L3121-20), elle est refusée même confirmée. La confirmation est journalisée."
        },
    )


def _hours(description: str, **kwargs) -> s.Decimal:
    return s.Decimal(as_string=True, places=2, metadata={"description": description}, **kwargs)


class AllocationSchema(s.Schema):
    lot_id = s.Integer(dump_only=True)
    hours = _hours("Heures comptées affectées au lot", dump_only=True)
    agreement_id = s.Integer(
        dump_only=True, metadata={"description": "Mutualisation qui a réparti ces heures, s'il y en a une"}
    )


class EligibilityShareSchema(s.Schema):
    """What the counting rule did to a month that eligibility covers only in part (or not at all)."""

    rule = s.String(dump_only=True, metadata={"description": PARTIAL_ELIGIBILITY_HELP})
    rule_label = s.String(dump_only=True)
    days = s.Integer(dump_only=True, metadata={"description": "Jours de la mission dans le mois"})
    eligible_days = s.Integer(dump_only=True, metadata={"description": "Jours couverts par l'éligibilité"})
    valid_from = s.Date(
        dump_only=True, allow_none=True, metadata={"description": "Premier jour couvert ; null : aucun"}
    )
    valid_until = s.Date(
        dump_only=True, allow_none=True, metadata={"description": "Dernier jour couvert ; null : aucun"}
    )
    hours = _hours("Heures réalisées du mois", dump_only=True)
    eligible_hours = _hours(
        "Heures retenues par la règle, avant coefficients, plafonds et arrondi", dump_only=True
    )
    message = s.String(
        dump_only=True,
        metadata={
            "description": "« Éligibilité validée le 14/03/2026 : 18 jours sur 31 comptés, 58,06 h sur 100 h »"
        },
    )


class CountingSchema(s.Schema):
    """Counted hours of a statement under one rule version, and how they were reached."""

    rule_id = s.Integer(dump_only=True)
    raw_hours = _hours("Heures réalisées (travaillées + formation)", dump_only=True)
    counted_hours = _hours("Heures comptées après les règles", dump_only=True)
    detail = fields.Dict(dump_only=True, metadata={"description": "Étapes du calcul (steps), en français"})
    eligibility = s.Nested(
        EligibilityShareSchema,
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "Ce que la règle a fait d'un mois que l'éligibilité ne couvre pas en entier ; "
            "null : mois entièrement couvert, ou règle sans condition d'éligibilité"
        },
    )
    current = s.Boolean(dump_only=True)
    created_at = s.DateTime(dump_only=True)
    allocations = fields.Method("_allocations", dump_only=True)

    def _allocations(self, counting) -> list:
        """``counting.allocations``: prepared by the caller (``Prepared``)."""
        return AllocationSchema(many=True).dump(counting.allocations)


class ReleveSchema(s.Schema):
    """A monthly statement (``declare``) and, once validated, its counting in force."""

    id = s.Integer(dump_only=True)
    mission_id = s.Integer(required=True)
    month = s.Date(required=True, metadata={"description": "Mois des heures : son premier jour (AAAA-MM-01)"})
    worked_hours = _hours("Heures travaillées", required=True)
    training_hours = _hours("Heures de formation", load_default="0")
    absence_hours = _hours("Heures d'absence", load_default="0")
    confirm_over_contract = _confirm()
    source = s.vocabulary(Source, "Provenance", dump_only=True)
    comment = s.String(allow_none=True)
    status = s.vocabulary(ReleveStatus, "Statut", dump_only=True)
    rejection_reason = s.String(dump_only=True)
    supersedes_id = s.Integer(
        dump_only=True, metadata={"description": "Relevé remplacé par cette correction"}
    )
    superseded_at = s.DateTime(dump_only=True)
    declared_at = s.DateTime(dump_only=True)
    decided_at = s.DateTime(dump_only=True)
    row_version = s.Integer(
        dump_only=True,
        metadata={"description": "À renvoyer comme expected_version pour valider, rejeter ou corriger"},
    )
    counting = s.Nested(
        CountingSchema,
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "Le comptage en vigueur ; pour un relevé remplacé, son dernier comptage "
            "(current false, sans affectation : ses heures ne comptent plus) ; null avant validation"
        },
    )


class _Figures(s.Schema):
    """The figures of a month, as a declaration and a correction take them."""

    worked_hours = _hours("Heures travaillées", required=True)
    training_hours = _hours("Heures de formation", load_default="0")
    absence_hours = _hours("Heures d'absence", load_default="0")
    confirm_over_contract = _confirm()
    comment = s.String(allow_none=True)


class ReleveLotItemSchema(_Figures):
    """One statement of a batch: what ``declare`` takes, and whether to validate it at once."""

    mission_id = s.Integer(required=True)
    month = s.Date(required=True, metadata={"description": "Mois des heures : son premier jour (AAAA-MM-01)"})
    # ``validate`` in the body; not the attribute's name: it would hide ``Schema.validate``
    and_validate = s.Boolean(
        data_key="validate",
        load_default=False,
        metadata={"description": "true : le relevé est validé (compté et affecté aux lots) dans la foulée"},
    )


class ReleveLotSchema(s.Schema):
    """A batch of statements, written all or none."""

    releves = s.List(
        s.Nested(ReleveLotItemSchema),
        required=True,
        validate=marshmallow.validate.Length(
            min=1, max=bounds.MAX_BATCH, error=f"Envoyez de 1 à {bounds.MAX_BATCH} relevés par lot."
        ),
    )


class ReleveLotLineSchema(s.Schema):
    """What the batch wrote for one of its statements."""

    index = s.Integer(
        dump_only=True, metadata={"description": "Rang du relevé dans le lot envoyé (0 : le premier)"}
    )
    id = s.Integer(dump_only=True)
    mission_id = s.Integer(dump_only=True)
    month = s.Date(dump_only=True)
    status = s.vocabulary(ReleveStatus, "Statut", dump_only=True)
    row_version = s.Integer(dump_only=True)
    counted_hours = _hours("Heures comptées (null : relevé non validé)", dump_only=True, allow_none=True)


class ReleveLotResultSchema(s.Schema):
    count = s.Integer(dump_only=True, metadata={"description": "Relevés enregistrés"})
    validated = s.Integer(dump_only=True, metadata={"description": "Dont validés"})
    items = s.List(s.Nested(ReleveLotLineSchema), dump_only=True)


class ReleveFilterSchema(s.Schema):
    status = s.String(validate=s.one_of(ReleveStatus))
    month = s.Date(metadata={"description": "Premier jour du mois"})
    mission_id = s.Integer()


class ReleveCorrectionSchema(_Figures):
    """What ``correct`` takes: the new figures; the statement corrected keeps its own."""

    expected_version = s.Integer(
        allow_none=True, metadata={"description": "row_version lu : refusé si le relevé a changé depuis"}
    )


class ReleveValidationSchema(s.Schema):
    expected_version = s.Integer(
        allow_none=True, metadata={"description": "row_version lu : refusé si le relevé a changé depuis"}
    )


class ReleveRejectionSchema(s.Schema):
    reason = s.String(required=True, validate=s.max_length(500), metadata={"description": "Motif du rejet"})
    expected_version = s.Integer(
        allow_none=True, metadata={"description": "row_version lu : refusé si le relevé a changé depuis"}
    )


class CountingRuleSchema(s.Schema):
    """A version of the counting rules of the tenant (``marche_id`` null) or of one marché."""

    id = s.Integer(dump_only=True)
    marche_id = s.Integer(allow_none=True, load_default=None)
    version = s.Integer(dump_only=True)
    multipliers = fields.Dict(
        keys=s.String(validate=s.max_length(40)),
        values=s.Decimal(as_string=True),
        load_default=dict,
        metadata={
            "description": 'Coefficient par code de type de contrat (absent : 1), par exemple {"cdi": "2"}'
        },
    )
    count_training = s.Boolean(load_default=True)
    training_cap_hours = _hours(
        "Plafond mensuel des heures de formation comptées (null : aucun)", allow_none=True
    )
    cdi_cap_hours = _hours("Plafond des heures comptées par contrat CDI (null : aucun)", allow_none=True)
    require_eligibility = s.Boolean(
        load_default=True,
        metadata={"description": "Ne compter que si l'éligibilité est valide à la date des heures"},
    )
    partial_eligibility = s.String(
        validate=s.one_of(PartialEligibility),
        load_default=PartialEligibility.pro_rata.value,
        metadata={"description": PARTIAL_ELIGIBILITY_HELP + " ; pro_rata par défaut"},
    )
    rounding_step = s.String(validate=s.one_of(ROUNDING_STEPS), load_default="0.01")
    rounding = s.String(validate=s.one_of(ROUNDINGS), load_default="nearest")
    note = s.String(allow_none=True, validate=s.max_length(500))
    created_at = s.DateTime(dump_only=True)

    @pre_dump
    def _step_as_text(self, rule, **kwargs):
        data = {key: getattr(rule, key, None) for key in self.fields}
        data["rounding_step"] = (
            format(rule.rounding_step.normalize(), "f") if rule.rounding_step is not None else None
        )
        return data


class CountingRuleFilterSchema(s.Schema):
    marche_id = s.Integer(
        metadata={"description": "Les versions propres à ce marché (sinon : celles du territoire)"}
    )


class MemberSchema(s.Schema):
    lot_id = s.Integer(required=True)
    share = s.Decimal(
        as_string=True,
        allow_none=True,
        load_default=None,
        metadata={"description": "Clé explicite : part du lot (0.25 = 25 %) ; les parts totalisent 1"},
    )


class MutualisationAgreementSchema(s.Schema):
    """An agreement (``create_agreement``) with its member lots."""

    id = s.Integer(dump_only=True)
    name = s.String(required=True, validate=s.max_length(200))
    valid_from = s.Date(required=True)
    valid_to = s.Date(allow_none=True, load_default=None)
    allocation_key = s.vocabulary(AllocationKey, "Clé", required=True)
    member_lots = s.List(
        s.Nested(MemberSchema), required=True, metadata={"description": "Deux lots au moins"}
    )
    notes = s.String(allow_none=True)
    created_at = s.DateTime(dump_only=True)

    @post_load
    def _members_as_pairs(self, data, **kwargs):
        """``create_agreement`` takes ``member_lots`` as ``(lot_id, share)`` pairs."""
        data["member_lots"] = [(member["lot_id"], member.get("share")) for member in data["member_lots"]]
        return data


class ProgressSchema(s.Schema):
    """Progress of a lot, a marché or a donneur d'ordre (``saas.heures.progress.Progress``):
    aggregates only, no person."""

    key = s.Integer(
        dump_only=True, metadata={"description": "Identifiant du lot, du marché ou du donneur d'ordre"}
    )
    label = s.String(dump_only=True)
    obligation = _hours("Heures dues (obligation des lots)", dump_only=True)
    counted = _hours(
        "Heures comptées affectées (règles de comptage et mutualisation appliquées)", dump_only=True
    )
    raw = _hours("Heures réalisées des relevés validés en vigueur", dump_only=True)
    remaining = _hours("Heures restant dues", dump_only=True)
    rate = s.Decimal(
        as_string=True,
        dump_only=True,
        allow_none=True,
        metadata={"description": "Taux de réalisation (1 = 100 %) ; null sans obligation"},
    )
    people = s.Integer(dump_only=True, metadata={"description": "Personnes en mission sur ces lots"})
    contracts = s.Integer(dump_only=True, metadata={"description": "Contrats (missions) sur ces lots"})
