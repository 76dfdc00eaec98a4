"""JSON shapes of missions, their follow-ups, the exit and the situation at 6 months.

Field names are the parameter names of ``saas.parcours.api`` (``place``, ``record_follow_up``,
``record_exit``, ``record_situation_6m``), so a loaded dict can be passed as keyword arguments.
The rules (eligibility at the start date, employer allowed on the lot, dates) stay in the api,
which names the field of a refused value.
"""

from __future__ import annotations

from marshmallow import ValidationError, fields, pre_load

from saas import schemas as s
from saas.parcours.enums import FollowUpKind, FollowUpStep, Modality
from saas.parcours.models import Mission


class MissionSchema(s.Schema):
    """A mission as created by ``place`` and as read back."""

    id = s.Integer(dump_only=True)
    participant_id = s.Integer(required=True, metadata={"description": "Participant placé"})
    employer_id = s.Integer(
        required=True,
        metadata={
            "description": "Employeur : attributaire du lot, sous-traitant ou structure qui met à disposition"
        },
    )
    lot_id = s.Integer(required=True, metadata={"description": "Lot sur lequel les heures sont réalisées"})
    modality = s.vocabulary(Modality, "Modalité", required=True)
    contract_type = s.String(
        required=True,
        validate=s.max_length(40),
        metadata={"description": "Code du type de contrat (référentiel des types de contrat)"},
    )
    start_date = s.Date(required=True, metadata={"description": "Début du contrat"})
    end_date = s.Date(
        allow_none=True,
        metadata={"description": "Fin du contrat (obligatoire pour un contrat à durée déterminée)"},
    )
    trial_end_date = s.Date(allow_none=True, metadata={"description": "Fin de la période d'essai"})
    weekly_hours = s.Decimal(
        required=True, as_string=True, metadata={"description": "Durée hebdomadaire en heures (0 à 48)"}
    )
    job_title = s.String(allow_none=True, validate=s.max_length(200), metadata={"description": "Poste"})
    rome_code = s.String(allow_none=True, validate=s.max_length(5), metadata={"description": "Code ROME"})
    override_reason = s.String(
        allow_none=True,
        validate=s.max_length(500),
        metadata={
            "description": "Motif de la dérogation, obligatoire quand le participant n'a pas d'éligibilité "
            "validée à la date de début (la dérogation est tracée)"
        },
    )
    recorded = s.Columns(
        Mission,
        "eligibility_override",
        "override_by",
        "exit_date",
        "exit_motif",
        "exit_category",
        "situation_6m_motif",
        "situation_6m_on",
    )
    durable_confirmed = s.Boolean(
        dump_only=True, metadata={"description": "Emploi durable confirmé par la situation à 6 mois"}
    )
    created_at = s.DateTime(dump_only=True)


class MissionFilterSchema(s.Schema):
    active_on = s.Date(metadata={"description": "Missions en cours à cette date"})
    active = s.Boolean(
        metadata={
            "description": "true : missions en cours aujourd'hui ; false : les autres (à venir, finies)"
        }
    )
    participant_id = s.Integer()
    lot_id = s.Integer()
    employer_id = s.Integer()
    contract_type = s.String(validate=s.max_length(40))


class FollowUpSchema(s.Schema):
    """A planned follow-up; ``done_on``, ``kind`` and ``notes`` are what ``record_follow_up`` takes."""

    id = s.Integer(dump_only=True)
    mission_id = s.Integer(dump_only=True)
    step = s.vocabulary(FollowUpStep, "Étape", dump_only=True)
    due_on = s.Date(dump_only=True, metadata={"description": "Date prévue"})
    #: done_on and kind are null in the answer while the follow-up is only planned; they are
    #: required, and not null, to record it (``_recorded_fields``).
    done_on = s.Date(
        required=True,
        allow_none=True,
        metadata={"description": "Date du suivi réalisé (pas dans le futur) ; null s'il est prévu"},
    )
    kind = s.String(
        required=True,
        allow_none=True,
        validate=s.one_of(FollowUpKind),
        metadata={"description": "Type de suivi : " + FollowUpKind.described() + " ; null s'il est prévu"},
    )
    notes = s.String(allow_none=True)
    state = fields.Method("_state", dump_only=True, metadata={"description": "done, overdue ou planned"})
    recorded_at = s.DateTime(dump_only=True)

    @pre_load
    def _recorded_fields(self, data, **kwargs):
        if isinstance(data, dict):
            for name in ("done_on", "kind"):
                if name in data and data[name] is None:
                    raise ValidationError(s.COMMON_MESSAGES["null"], name)
        return data

    def _state(self, follow_up) -> str | None:
        """``follow_up.state``: prepared by the caller (``Prepared``)."""
        return follow_up.state


class ExitSchema(s.Schema):
    """What ``record_exit`` takes: the date and the detailed motif (the category is derived)."""

    exit_date = s.Date(required=True, metadata={"description": "Date de sortie"})
    motif = s.String(
        required=True, validate=s.max_length(40), metadata={"description": "Code du motif de sortie"}
    )


class Situation6mSchema(s.Schema):
    """What ``record_situation_6m`` takes: only it confirms an "emploi durable"."""

    motif = s.String(
        required=True,
        validate=s.max_length(40),
        metadata={"description": "Code de la situation observée (référentiel des motifs de sortie)"},
    )
    observed_on = s.Date(
        required=True, metadata={"description": "Date d'observation, 6 mois au moins après la sortie"}
    )
