"""JSON shapes of meetings (comités), their holding and their decisions.

Field names are the parameter names of ``saas.comites.api`` (``plan_meeting``, ``update_meeting``,
``hold_meeting``, ``add_decision``, ``close_decision``), so a loaded dict can be passed as keyword
arguments. The rules (parties present among the invited, owner of the tenant, dates) stay in the
api, which names the field of a refused value.
"""

from __future__ import annotations

from marshmallow import fields

from saas import schemas as s
from saas.comites.enums import CLOSING_STATUSES, DecisionStatus, MeetingKind, MeetingStatus
from saas.conventions.models import Occurrence


class Time(fields.Time):
    default_error_messages = {
        **s.COMMON_MESSAGES,
        "invalid": "Une heure ISO 8601 (HH:MM) est attendue.",
        "format": "Format d'heure non pris en charge.",
    }


class AttendeeSchema(s.Schema):
    organisation_id = s.Integer(dump_only=True)
    organisation = s.String(dump_only=True, metadata={"description": "Nom de l'organisation"})
    invited = s.Boolean(dump_only=True)
    present = s.Boolean(dump_only=True)
    represented_by = s.String(dump_only=True)


class HeldOccurrenceSchema(s.Schema):
    occurrence = s.Columns(Occurrence, "id", "convention_id", "obligation_id", "period_no", "due_on")


class _MeetingFields(s.Schema):
    id = s.Integer(dump_only=True)
    kind = s.vocabulary(MeetingKind, "Type de réunion")
    title = s.String(
        allow_none=True,
        validate=s.max_length(300),
        metadata={"description": "Intitulé (par défaut : le libellé du type de réunion)"},
    )
    meeting_on = s.Date(metadata={"description": "Date de la réunion"})
    starts_at = Time(allow_none=True, metadata={"description": "Heure de début (HH:MM)"})
    place = s.String(allow_none=True, validate=s.max_length(300), metadata={"description": "Lieu"})
    agenda = s.String(allow_none=True, metadata={"description": "Ordre du jour"})
    convention_ids = s.List(
        s.Integer(), metadata={"description": "Conventions dont relève la réunion (identifiants)"}
    )
    invited_ids = s.List(
        s.Integer(), metadata={"description": "Parties invitées : organisations du territoire (identifiants)"}
    )
    status = s.vocabulary(MeetingStatus, "Statut", dump_only=True)
    attendees = s.List(s.Nested(AttendeeSchema), dump_only=True, metadata={"description": "Parties invitées"})
    held_occurrences = s.List(
        s.Nested(HeldOccurrenceSchema),
        dump_only=True,
        metadata={"description": "Échéances du calendrier des conventions tenues par cette réunion"},
    )
    created_at = s.DateTime(dump_only=True)


class MeetingSchema(_MeetingFields):
    """A meeting as planned by ``plan_meeting`` and as read back."""

    kind = s.vocabulary(MeetingKind, "Type de réunion", required=True)
    meeting_on = s.Date(required=True, metadata={"description": "Date de la réunion"})
    convention_ids = s.List(
        s.Integer(), load_default=list, metadata={"description": "Conventions dont relève la réunion"}
    )
    invited_ids = s.List(
        s.Integer(), load_default=list, metadata={"description": "Parties invitées (organisations)"}
    )
    minutes = s.String(dump_only=True, metadata={"description": "Compte rendu"})


class MeetingUpdateSchema(_MeetingFields):
    """The fields to change; ``status`` ``cancelled`` cancels the meeting, ``planned`` takes back
    the holding of a meeting recorded as held by mistake."""

    minutes = s.String(allow_none=True, metadata={"description": "Compte rendu"})
    status = s.String(
        validate=s.one_of([MeetingStatus.planned, MeetingStatus.cancelled]),
        metadata={"description": "cancelled : annuler ; planned : annuler la tenue"},
    )
    reason = s.String(
        allow_none=True, validate=s.max_length(500), load_only=True, metadata={"description": "Motif"}
    )


class MeetingFilterSchema(s.Schema):
    kind = s.String(validate=s.one_of(MeetingKind))
    status = s.String(validate=s.one_of(MeetingStatus))
    convention_id = s.Integer()
    date_from = s.Date(metadata={"description": "Réunions à partir de ce jour"})
    date_to = s.Date(metadata={"description": "Réunions jusqu'à ce jour"})


class PresentSchema(s.Schema):
    organisation_id = s.Integer(required=True, metadata={"description": "Partie invitée présente"})
    represented_by = s.String(
        allow_none=True, validate=s.max_length(200), metadata={"description": "Représentée par"}
    )


class DecisionSchema(s.Schema):
    """A decision as added by ``add_decision`` and as read back."""

    id = s.Integer(dump_only=True)
    meeting_id = s.Integer(dump_only=True)
    number = s.Integer(dump_only=True, metadata={"description": "Numéro dans la réunion (1, 2, 3…)"})
    text = s.String(required=True, metadata={"description": "La décision prise"})
    owner_id = s.Integer(
        allow_none=True, metadata={"description": "Organisation du territoire qui porte la décision"}
    )
    due_on = s.Date(allow_none=True, metadata={"description": "Échéance"})
    status = s.vocabulary(DecisionStatus, "Statut", dump_only=True)
    done_on = s.Date(dump_only=True, metadata={"description": "Date de réalisation"})
    note = s.String(dump_only=True, metadata={"description": "Observation (motif de l'abandon)"})
    overdue = fields.Method(
        "_overdue", dump_only=True, metadata={"description": "Ouverte et échéance dépassée"}
    )
    created_at = s.DateTime(dump_only=True)

    def _overdue(self, decision) -> bool | None:
        """``decision.overdue``: prepared by the caller (``Prepared``)."""
        return decision.overdue


class HoldSchema(s.Schema):
    """What ``hold_meeting`` takes: minutes, parties present (among the invited), decisions."""

    minutes = s.String(allow_none=True, metadata={"description": "Compte rendu"})
    present = s.List(
        s.Nested(PresentSchema),
        load_default=list,
        metadata={"description": "Parties présentes, parmi les parties invitées"},
    )
    meeting_on = s.Date(
        allow_none=True, metadata={"description": "Date effective, si elle diffère de la date prévue"}
    )
    decisions = s.List(s.Nested(DecisionSchema), load_default=list, metadata={"description": "Décisions"})


class DecisionFilterSchema(s.Schema):
    status = s.String(validate=s.one_of(DecisionStatus))
    owner_id = s.Integer(metadata={"description": "Organisation qui porte la décision"})
    overdue = s.Boolean(metadata={"description": "true : décisions ouvertes dont l'échéance est dépassée"})
    meeting_id = s.Integer()


class DecisionClosureSchema(s.Schema):
    """What ``close_decision`` takes."""

    status = s.String(
        required=True,
        validate=s.one_of(CLOSING_STATUSES),
        metadata={"description": "done (réalisée) ou dropped (abandonnée)"},
    )
    done_on = s.Date(allow_none=True, metadata={"description": "Date de réalisation (pour done)"})
    note = s.String(
        allow_none=True,
        validate=s.max_length(500),
        metadata={"description": "Observation ; obligatoire pour dropped (motif de l'abandon)"},
    )
