"""What a territory owes a Département for a period: the report, built under the territory's scope.

The content is the figures of the bilan annuel (seed 003 art. 4.3: beneficiaries, their status and
level, hours, contracts and hours by type of contract, trades and sectors, situation at exit,
priority publics) with its totals (hours, obligation and completion of the lots under way), and
the keys of the persons who worked in the period. Its digest is taken without the version and the
time it was built: the same figures give the same digest, so a new version is made only when a
figure changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text

from saas import clock
from saas.bilans import api as bilans
from saas.bilans.models import Bilan
from saas.bilans.periods import Period
from saas.db import db
from saas.federation import funding, handover, keys
from saas.federation.models import FORMAT, ReportPeriod
from tenants.context import require_tenant_id

#: the persons who worked in the period: a mission under way at least one day of it
_PEOPLE = text(
    "SELECT DISTINCT f.participant_id, lower(trim(i.last_name_folded)) AS last_name, lower(trim(i.first_name_folded)) "
    "AS first_name, i.birth_date FROM mission_facts f JOIN participant_identities i "
    "ON i.tenant_id = f.tenant_id AND i.participant_id = f.participant_id "
    "WHERE f.tenant_id = :t AND f.start_date <= :end AND f.until_date >= :start"
)


@dataclass(frozen=True)
class Territory:
    slug: str
    name: str
    communes: tuple[str, ...]


def period_of(kind: str, start: date) -> Period:
    """The month or the year that starts on ``start``."""
    if ReportPeriod(kind) == ReportPeriod.mois:
        return Period.of("mois", start.year, start.month)
    return Period.of("annee", start.year)


def _people(federation_id: int, period: Period) -> dict:
    secret = keys.person_secret(federation_id)
    rows = db.session.execute(_PEOPLE, {"t": require_tenant_id(), "start": period.start, "end": period.end})
    found, without = set(), set()
    for row in rows:
        if row.birth_date is None:  # a key of names alone would merge two namesakes (or the anonymised)
            without.add(row.participant_id)
            continue
        found.add(keys.person_key(secret.secret, row.last_name, row.first_name, row.birth_date))
    return {
        "generation": secret.generation,
        "empreinte": keys.fingerprint(secret.secret),
        "cles": sorted(found),
        "sans_cle": len(without),
    }


def content(territory: Territory, federation_code: str, federation_id: int, kind: str, start: date) -> dict:
    """The report's content for the period of ``kind`` starting on ``start`` (no version yet)."""
    period = period_of(kind, start)
    scope = bilans.resolve_scope("territoire")
    return {
        "format": FORMAT,
        "federation": federation_code,
        "territoire": {"code": territory.slug, "nom": territory.name, "communes": list(territory.communes)},
        "periode": {"type": kind, "debut": period.start.isoformat(), "fin": period.end.isoformat()},
        "indicateurs": bilans.compute("annuel", scope, period),
        "personnes": _people(federation_id, period),
        "marches_departement": handover.progress(federation_id, period),
        "financement": funding.evidence(
            federation_id, period.start.year, None if kind == ReportPeriod.annee else period.start
        ),
    }


def digest(report_content: dict) -> str:
    """The digest of what a report says (without its version and the time it was built)."""
    said = {key: value for key, value in report_content.items() if key not in ("version", "produit_le")}
    return hashlib.sha256(json.dumps(said, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def stamped(report_content: dict, version: int) -> dict:
    return {**report_content, "version": version, "produit_le": clock.now().isoformat()}


def encode(payload: dict) -> bytes:
    """The exact bytes that are signed and sent."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def as_bilan(payload: dict) -> Bilan:
    """The figures of a report as a bilan annuel that is never saved, for the bilans' presentation
    (its tables, totals and charts)."""
    period = payload["periode"]
    return Bilan(
        kind="annuel",
        scope_kind="territoire",
        scope_key=None,
        scope_label=payload["territoire"]["nom"],
        period_kind=period["type"],
        period_start=date.fromisoformat(period["debut"]),
        period_end=date.fromisoformat(period["fin"]),
        figures=payload["indicateurs"],
        rule_versions=payload["indicateurs"].get("regles", []),
    )
