"""Progress of lots, marchés and donneurs d'ordre, computed in SQL.

Obligation comes from ``lots.obligation_hours``; counted hours are the allocations to the lot
(after counting rules and mutualisation); raw hours are the hours of the validated statements in
force of the missions placed on the lot; the ledger adds both up by month in ``hour_totals``.
People and contracts are counted over the lot's missions.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import text

from saas.db import db
from saas.marches.obligation import completion_rate
from tenants.context import require_tenant_id


@dataclass(frozen=True)
class Progress:
    key: int
    label: str
    obligation: Decimal
    counted: Decimal
    raw: Decimal
    people: int
    contracts: int

    @property
    def rate(self) -> Decimal | None:
        """Rate of completion (1 = 100 %), None when there is no obligation."""
        return completion_rate(self.counted, self.obligation)

    @property
    def remaining(self) -> Decimal:
        return max(self.obligation - self.counted, Decimal(0))


# The lots of the scope first, then the figures of those lots only: a marché's progress reads its
# own lots' allocations, missions and statements, whatever the size of the territory. Every join
# equates ``tenant_id`` (saas/distribution.py).
_PROGRESS = """
WITH l AS (
    SELECT l.tenant_id, l.id AS lot_id, l.marche_id, mk.donneur_ordre_id,
           'Lot ' || l.number || ' — ' || mk.reference AS lot_label, mk.reference,
           o.name AS donneur_name, coalesce(l.obligation_hours, 0) AS obligation
      FROM lots l
      JOIN marches mk ON mk.tenant_id = l.tenant_id AND mk.id = l.marche_id
      JOIN organisations o ON o.tenant_id = mk.tenant_id AND o.id = mk.donneur_ordre_id
     WHERE l.tenant_id = :tenant_id {scope}
), totals AS (
    SELECT t.tenant_id, t.lot_id, sum(t.hours) AS counted, sum(t.raw_hours) AS raw
      FROM l JOIN hour_totals t ON t.tenant_id = l.tenant_id AND t.lot_id = l.lot_id
     GROUP BY t.tenant_id, t.lot_id
), g AS (
    SELECT l.tenant_id, l.{key} AS key, min(l.{label}) AS label, sum(l.obligation) AS obligation,
           sum(coalesce(t.counted, 0)) AS counted, sum(coalesce(t.raw, 0)) AS raw
      FROM l
      LEFT JOIN totals t ON t.tenant_id = l.tenant_id AND t.lot_id = l.lot_id
     GROUP BY l.tenant_id, l.{key}
), placed AS (
    -- people and contracts: the missions placed on the lots of each group (a person counts once)
    SELECT l.tenant_id, l.{key} AS key, count(DISTINCT m.participant_id) AS people, count(*) AS contracts
      FROM l JOIN missions m ON m.tenant_id = l.tenant_id AND m.lot_id = l.lot_id
     GROUP BY l.tenant_id, l.{key}
)
SELECT g.key, g.label, g.obligation, g.counted, g.raw,
       coalesce(p.people, 0) AS people, coalesce(p.contracts, 0) AS contracts
  FROM g LEFT JOIN placed p ON p.tenant_id = g.tenant_id AND p.key = g.key
 ORDER BY g.label
"""

#: each level: the column of ``l`` that keys a group, the one that labels it, and the column of the
#: lots, marchés and organisations the keys of a scope select.
_GROUPS = {
    "lot": ("lot_id", "lot_label", "l.id"),
    "marche": ("marche_id", "reference", "l.marche_id"),
    "donneur_ordre": ("donneur_ordre_id", "donneur_name", "mk.donneur_ordre_id"),
}


def progress(level: str, keys: list[int] | None = None) -> dict[int, Progress]:
    """Progress per ``level`` (lot, marche or donneur_ordre) of the tenant in scope, by id; with
    ``keys``, of those lots, marchés or donneurs d'ordre only (and computed from their rows only)."""
    key, label, scope = _GROUPS[level]
    sql = _PROGRESS.format(
        key=key, label=label, scope=f"AND {scope} = ANY(:keys)" if keys is not None else ""
    )
    params: dict = {"tenant_id": require_tenant_id()}
    if keys is not None:
        params["keys"] = list(keys)
    rows = db.session.execute(text(sql), params).mappings()
    return {
        row["key"]: Progress(
            row["key"],
            row["label"],
            Decimal(row["obligation"]),
            Decimal(row["counted"]),
            Decimal(row["raw"]),
            int(row["people"]),
            int(row["contracts"]),
        )
        for row in rows
    }
