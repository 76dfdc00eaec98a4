"""Each figure of the dashboard and of the progress pages, computed by the service's own function
beside a bare SQL aggregate written for the same figure, in the same transaction (row-level
security applies to both). The two values are compared: a ratio is only worth reading when they
agree."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import text

from bench.stats import percentile
from saas import clock, settings
from saas.db import db
from saas.heures import dashboard, progress, repository
from saas.parcours import api as parcours
from saas.participants import api as participants
from tenants import api as tenants_api
from tenants import context

#: calls timed for each figure (after one to warm the caches); the median is kept
ROUNDS = 5

_COUNTED_BETWEEN = """
SELECT coalesce(sum(a.hours), 0) FROM hour_allocations a
  JOIN hour_countings c ON c.tenant_id = a.tenant_id AND c.id = a.counting_id
  JOIN hour_statements s ON s.tenant_id = c.tenant_id AND s.id = c.statement_id
 WHERE a.tenant_id = :t AND s.month BETWEEN :start AND :end
"""
_COUNTED_TOTAL = "SELECT coalesce(sum(hours), 0) FROM hour_allocations WHERE tenant_id = :t"
_OBLIGATION = "SELECT coalesce(sum(obligation_hours), 0) FROM lots WHERE tenant_id = :t"
_AWAITING = "SELECT count(*) FROM hour_statements WHERE tenant_id = :t AND status = 'declared' AND superseded_at IS NULL"
_OVERDUE = """
SELECT count(*) FROM follow_ups f JOIN missions m ON m.tenant_id = f.tenant_id AND m.id = f.mission_id
 WHERE f.tenant_id = :t AND f.done_on IS NULL AND f.due_on < :today
   AND (m.exit_date IS NULL OR f.due_on <= m.exit_date)
"""
_LATE_LOTS = """
SELECT count(*) FROM (
  SELECT l.id, coalesce(sum(a.hours), 0) / l.obligation_hours AS rate,
         least(1, (:today - mk.start_date)::numeric / nullif(mk.end_date - mk.start_date, 0)) AS elapsed
    FROM lots l JOIN marches mk ON mk.tenant_id = l.tenant_id AND mk.id = l.marche_id
    LEFT JOIN hour_allocations a ON a.tenant_id = l.tenant_id AND a.lot_id = l.id
   WHERE l.tenant_id = :t AND l.obligation_hours > 0 AND mk.start_date <= :today
     AND mk.end_date > mk.start_date
   GROUP BY l.tenant_id, l.id, mk.tenant_id, mk.id
) x WHERE rate < elapsed
"""
_PRESCRIPTIONS = """
SELECT count(*) FROM prescriptions WHERE tenant_id = :t AND valid_until >= :today
   AND valid_until <= :today + CAST(:days AS integer)
"""
# progress by group, each figure from its own table, grouped once: obligation, counted hours
# (allocations), raw hours (validated statements in force), people and contracts (missions)
_PROGRESS = """
WITH scope AS (
    SELECT l.id AS lot_id, {key} AS key, coalesce(l.obligation_hours, 0) AS obligation
      FROM lots l JOIN marches mk ON mk.tenant_id = l.tenant_id AND mk.id = l.marche_id
     WHERE l.tenant_id = :t {where}
), counted AS (
    SELECT sc.key, sum(a.hours) AS hours FROM hour_allocations a JOIN scope sc ON sc.lot_id = a.lot_id
     WHERE a.tenant_id = :t GROUP BY 1
), raw AS (
    SELECT sc.key, sum(s.worked_hours + s.training_hours) AS hours
      FROM hour_statements s
      JOIN missions m ON m.tenant_id = s.tenant_id AND m.id = s.mission_id
      JOIN scope sc ON sc.lot_id = m.lot_id
     WHERE s.tenant_id = :t AND s.status = 'validated' AND s.superseded_at IS NULL GROUP BY 1
), placed AS (
    SELECT sc.key, count(DISTINCT m.participant_id) AS people, count(*) AS contracts
      FROM missions m JOIN scope sc ON sc.lot_id = m.lot_id WHERE m.tenant_id = :t GROUP BY 1
)
SELECT g.key, g.obligation, coalesce(c.hours, 0), coalesce(r.hours, 0),
       coalesce(p.people, 0), coalesce(p.contracts, 0)
  FROM (SELECT key, sum(obligation) AS obligation FROM scope GROUP BY key) g
  LEFT JOIN counted c ON c.key = g.key LEFT JOIN raw r ON r.key = g.key LEFT JOIN placed p ON p.key = g.key
"""
_KEYS = {"lot": "l.id", "marche": "l.marche_id", "donneur_ordre": "mk.donneur_ordre_id"}


@dataclass(frozen=True)
class Figure:
    label: str
    app_ms: float
    bare_ms: float
    #: the two values agree (the same figure)
    same: bool


def _timed(function: Callable[[], object], rounds: int = ROUNDS) -> tuple[float, object]:
    """Median time in ms of ``rounds`` calls (after one to warm the caches) and the last value."""
    value = function()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        value = function()
        times.append((time.perf_counter() - start) * 1000)
    return percentile(times, 50), value


def _bare(sql: str, **params) -> Callable[[], object]:
    def run() -> object:
        return db.session.execute(text(sql), params).scalar_one()

    return run


def _bare_progress(level: str, t: int, key: int | None = None) -> Callable[[], object]:
    where = f"AND {_KEYS[level]} = :key" if key is not None else ""
    sql = text(_PROGRESS.format(key=_KEYS[level], where=where))

    def run() -> object:
        rows = db.session.execute(sql, {"t": t, "key": key}).tuples()
        return {row[0]: tuple(Decimal(value) for value in row[1:]) for row in rows}

    return run


def _app_progress(level: str, key: int | None = None) -> Callable[[], object]:
    def run() -> object:
        found = progress.progress(level, None if key is None else [key])
        return {
            k: (p.obligation, p.counted, p.raw, Decimal(p.people), Decimal(p.contracts))
            for k, p in found.items()
        }

    return run


Pair = tuple[str, Callable[[], object], Callable[[], object]]


def _dashboard_pairs(t: int, today: date) -> list[Pair]:
    month = today.replace(day=1)
    year = date(today.year, 1, 1)
    days = int(settings.get("prescription_warning_days"))
    return [
        (
            "Heures comptées du mois",
            lambda: repository.counted_between(month, today),
            _bare(_COUNTED_BETWEEN, t=t, start=month, end=today),
        ),
        (
            "Heures comptées de l'année",
            lambda: repository.counted_between(year, today),
            _bare(_COUNTED_BETWEEN, t=t, start=year, end=today),
        ),
        ("Heures comptées au total", dashboard.counted_total, _bare(_COUNTED_TOTAL, t=t)),
        ("Obligation totale", dashboard.obligation_total, _bare(_OBLIGATION, t=t)),
        ("Relevés à valider", repository.awaiting_validation_count, _bare(_AWAITING, t=t)),
        ("Suivis en retard", lambda: parcours.overdue_count(today), _bare(_OVERDUE, t=t, today=today)),
        ("Lots en retard", lambda: len(dashboard.late_lots(today)), _bare(_LATE_LOTS, t=t, today=today)),
        (
            "Prescriptions bientôt échues",
            lambda: len(participants.prescriptions_expiring(today)),
            _bare(_PRESCRIPTIONS, t=t, today=today, days=days),
        ),
    ]


def _progress_pairs(t: int, ids: dict[str, int | None]) -> list[Pair]:
    pairs: list[Pair] = []
    for level, label in (("lot", "lot"), ("marche", "marché"), ("donneur_ordre", "donneur d'ordre")):
        pairs.append((f"Avancement par {label} (tous)", _app_progress(level), _bare_progress(level, t)))
        key = ids.get(level)
        if key is not None:
            pairs.append(
                (f"Avancement d'un {label}", _app_progress(level, key), _bare_progress(level, t, key))
            )
    return pairs


def _same(left: object, right: object) -> bool:
    if isinstance(left, dict) and isinstance(right, dict):
        return left == right
    return Decimal(str(left)) == Decimal(str(right))


def _compared(pairs: list[Pair], rounds: int) -> list[Figure]:
    figures = []
    for label, function, bare in pairs:
        app_ms, app_value = _timed(function, rounds)
        bare_ms, bare_value = _timed(bare, rounds)
        figures.append(Figure(label, app_ms, bare_ms, _same(app_value, bare_value)))
    return figures


def measure(app, tenant_id: int, ids: dict[str, int | None], rounds: int = ROUNDS) -> list[Figure]:
    """Every figure, in one read-only transaction of the tenant (rolled back at the end); the
    whole dashboard beside the sum of its bare aggregates."""
    with app.app_context(), context.scoped(tenant_id):
        tenants_api.enter_tenant(tenant_id, None)
        today = clock.today()
        on_dashboard = _compared(_dashboard_pairs(tenant_id, today), rounds)
        whole_ms, _ = _timed(lambda: dashboard.figures(today), rounds)
        whole = Figure(
            "Tableau de bord : toutes ses figures", whole_ms, sum(f.bare_ms for f in on_dashboard), True
        )
        figures = [*on_dashboard, whole, *_compared(_progress_pairs(tenant_id, ids), rounds)]
        db.session.rollback()
        db.session.remove()
    return figures
