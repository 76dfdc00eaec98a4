"""Reports to the Départements, as the rest of the service uses them: the territory's side
(memberships, preview, versions, delivery), the receiver, and the console's reading."""

from __future__ import annotations

from saas.federation.building import as_bilan, period_of
from saas.federation.console import Consolidation, consolidate, history, latest_reports, members, periods
from saas.federation.keys import KEY_HEADER, SIGNATURE_HEADER
from saas.federation.models import OutgoingReport, ReceivedReport, ReportPeriod, ReportStatus
from saas.federation.outbox import Membership, membership, memberships, prepare, preview, resend
from saas.federation.reception import Refused, receive
from saas.federation.schedule import parse_period, period_choices

__all__ = [
    "KEY_HEADER",
    "SIGNATURE_HEADER",
    "Consolidation",
    "Membership",
    "OutgoingReport",
    "ReceivedReport",
    "Refused",
    "ReportPeriod",
    "ReportStatus",
    "as_bilan",
    "consolidate",
    "history",
    "latest_reports",
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
]
