"""Conventions, the door of the domain: creation and signature, avenants, objection and
termination, tacit renewal, the obligations calendar and its reminders, and the money
(commitments, instalments, payments).

Terms are never overwritten. Before signature a convention is a draft whose terms may still be
completed; once signed, every change is an avenant (:func:`amend`), effective from its date, and
the terms in force at any date stay readable (:func:`terms_in_force`).

The work is done in the modules below; callers keep ``from saas.conventions import api``:

- :mod:`~saas.conventions.drafting`: creation, completion of a draft, signature;
- :mod:`~saas.conventions.avenants`: the terms in force at a date, avenants;
- :mod:`~saas.conventions.lifecycle`: standing, renewal, objection, termination;
- :mod:`~saas.conventions.timeline`: the periods of a convention;
- :mod:`~saas.conventions.occurrences`: the obligations calendar;
- :mod:`~saas.conventions.money`: commitments, instalments, payments;
- :mod:`~saas.conventions.documents`: the documents;
- :mod:`~saas.conventions.repository`: the queries (calendar and compliance in SQL).
"""

from __future__ import annotations

from saas.audit import api as audit
from saas.conventions.avenants import TermsInForce, amend, terms_in_force
from saas.conventions.documents import add_document, read_document
from saas.conventions.drafting import (
    add_commitment,
    add_obligation,
    add_party,
    add_resource,
    create,
    sign,
)
from saas.conventions.lifecycle import (
    ACTIONS,
    OBJECTION_WINDOW_DAYS,
    Standing,
    allowed_actions,
    object_to_renewal,
    objection_deadlines,
    objection_was_late,
    renew_due,
    standing,
    standings,
    terminate,
)
from saas.conventions.money import (
    PAYABLE,
    Instalment,
    MoneyTable,
    StatusTotal,
    commitment_amount,
    instalment_of,
    instalments,
    money_table,
    record_payment,
    split,
)
from saas.conventions.occurrences import (
    cancel_receipt,
    expected_occurrences,
    occurrence_status,
    record_event,
    record_receipt,
    sync_occurrences,
)
from saas.conventions.repository import (
    CalendarFilters,
    calendar_count,
    calendar_row,
    calendar_rows,
    calendar_sorts,
    compliance,
    conventions,
    documents_of,
    objection_of,
    occurrence,
    organisation_name,
    organisation_names,
    parties_by_convention,
    parties_of,
    renewals_of,
    schedule_lines_of,
    versions_of,
)
from saas.conventions.repository import convention as get
from saas.conventions.timeline import periods_of

audit.ACTION_LABELS.update(
    {
        "convention.created": "Création d'une convention",
        "convention.signed": "Signature d'une convention",
        "convention.completed": "Ajout à une convention non signée",
        "convention.amended": "Avenant à une convention",
        "convention.objected": "Dénonciation d'une convention à son échéance",
        "convention.terminated": "Résiliation d'une convention",
        "convention.renewed": "Reconduction tacite d'une convention",
        "convention.document_added": "Ajout d'un document à une convention",
        "convention.document_read": "Téléchargement d'un document de convention",
        "obligation.received": "Réception d'un livrable ou tenue d'une réunion",
        "obligation.receipt_cancelled": "Annulation d'une réception",
        "obligation.event_dated": "Date d'un événement déclencheur (assemblée générale…)",
        "payment.recorded": "Paiement d'une échéance",
    }
)

__all__ = [
    "ACTIONS",
    "OBJECTION_WINDOW_DAYS",
    "PAYABLE",
    "CalendarFilters",
    "Instalment",
    "MoneyTable",
    "Standing",
    "StatusTotal",
    "TermsInForce",
    "add_commitment",
    "add_document",
    "add_obligation",
    "add_party",
    "add_resource",
    "allowed_actions",
    "amend",
    "calendar_count",
    "calendar_row",
    "calendar_rows",
    "calendar_sorts",
    "cancel_receipt",
    "commitment_amount",
    "compliance",
    "conventions",
    "create",
    "documents_of",
    "expected_occurrences",
    "get",
    "instalment_of",
    "instalments",
    "money_table",
    "object_to_renewal",
    "objection_deadlines",
    "objection_of",
    "objection_was_late",
    "occurrence",
    "occurrence_status",
    "organisation_name",
    "organisation_names",
    "parties_by_convention",
    "parties_of",
    "periods_of",
    "read_document",
    "record_event",
    "record_payment",
    "record_receipt",
    "renew_due",
    "renewals_of",
    "schedule_lines_of",
    "sign",
    "split",
    "standing",
    "standings",
    "sync_occurrences",
    "terminate",
    "terms_in_force",
    "versions_of",
]
