"""Reports to the Départements, as the rest of the service uses them: the territory's side
(memberships, preview, versions, delivery), the receiver, and the console's reading."""

from __future__ import annotations

from saas.federation.building import as_bilan, period_of
from saas.federation.console import (
    KEY_FIGURES,
    Consolidation,
    consolidate,
    history,
    latest_reports,
    lot_progress,
    members,
    periods,
)
from saas.federation.handover import add_lot, assign, candidates, create_marche, lot_of, marche_of, marches_of
from saas.federation.keys import DATE_HEADER, KEY_HEADER, SIGNATURE_HEADER
from saas.federation.models import (
    FederationLot,
    FederationMarche,
    OutgoingReport,
    ReceivedReport,
    ReportPeriod,
    ReportStatus,
)
from saas.federation.outbox import Membership, membership, memberships, prepare, preview, resend, versions
from saas.federation.reception import Refused, lots_request, receive
from saas.federation.schedule import parse_period, period_choices

__all__ = [
    "DATE_HEADER",
    "KEY_FIGURES",
    "KEY_HEADER",
    "SIGNATURE_HEADER",
    "Consolidation",
    "FederationLot",
    "FederationMarche",
    "Membership",
    "OutgoingReport",
    "ReceivedReport",
    "Refused",
    "ReportPeriod",
    "ReportStatus",
    "add_lot",
    "as_bilan",
    "assign",
    "candidates",
    "consolidate",
    "create_marche",
    "history",
    "latest_reports",
    "lot_of",
    "lot_progress",
    "lots_request",
    "marche_of",
    "marches_of",
    "members",
    "membership",
    "memberships",
    "parse_period",
    "period_choices",
    "period_of",
    "periods",
    "prepare",
    "preview",
    "receive",
    "resend",
    "versions",
]
