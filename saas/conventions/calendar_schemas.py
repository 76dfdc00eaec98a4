"""JSON shapes of the obligations calendar: an occurrence and its status, the filters of the
calendar, a reception, an event date; compliance by partner or by convention."""

from __future__ import annotations

from marshmallow import fields

from saas import schemas as s
from saas.conventions import enums
from saas.conventions.models import Obligation, Occurrence
from saas.conventions.schema_base import Body

# --------------------------------------------------------------------------- calendar


class OccurrenceSchema(s.Schema):
    """One due date of an obligation, with its status on the day read."""

    dates = s.Columns(Occurrence, "id", "due_on", "received_on")
    provisional = s.Boolean(dump_only=True, metadata={"description": "Date attendue d'un événement non daté"})
    occurrence = s.Columns(Occurrence, "event_on", "period_no", "meeting_id", "note", "obligation_id")
    obligation = s.Columns(
        Obligation, "label", "nature", "category", "cadence", "event_label", "article", "convention_id"
    )
    convention_reference = s.String(dump_only=True)
    convention_title = s.String(dump_only=True)
    responsible_id = s.Integer(dump_only=True)
    responsible_name = s.String(dump_only=True)
    recipient_name = s.String(dump_only=True)
    status = s.vocabulary(enums.OccurrenceStatus, "Statut", dump_only=True)
    status_label = fields.Function(lambda row: enums.OccurrenceStatus.label_of(row.status), dump_only=True)


class CalendarFilterSchema(s.Schema):
    convention = s.Integer(metadata={"description": "Identifiant de convention"})
    responsable = s.Integer(metadata={"description": "Organisation qui doit l'obligation"})
    statut = s.vocabulary(enums.OccurrenceStatus)
    nature = s.String(validate=s.one_of(enums.Nature))
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
