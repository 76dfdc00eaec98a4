"""Progress of lots, marchés and donneurs d'ordre, computed in SQL.

Obligation comes from ``lots.obligation_hours``; counted hours are the allocations to the lot
(after counting rules and mutualisation); raw hours are the hours of the validated statements in
force of the missions placed on the lot; people and contracts are counted over those missions.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import text

from saas.db import db
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
        if not self.obligation:
            return None
        return (self.counted / self.obligation).quantize(Decimal("0.0001"))

    @property
    def remaining(self) -> Decimal:
        return max(self.obligation - self.counted, Decimal(0))


# One row per lot of the tenant in scope (RLS and the explicit tenant filter both apply).
_LOT_FIGURES = """
WITH allocated AS (
    SELECT a.lot_id, sum(a.hours) AS counted
      FROM hour_allocations a
     WHERE a.tenant_id = :tenant_id
     GROUP BY a.lot_id
), raw AS (
    SELECT m.lot_id, sum(s.worked_hours + s.training_hours) AS raw
      FROM hour_statements s
      JOIN missions m ON m.tenant_id = s.tenant_id AND m.id = s.mission_id
     WHERE s.tenant_id = :tenant_id AND s.status = 'validated' AND s.superseded_at IS NULL
     GROUP BY m.lot_id
)
SELECT l.id AS lot_id, l.marche_id, mk.donneur_ordre_id,
       'Lot ' || l.number || ' — ' || mk.reference AS lot_label, mk.reference, o.name AS donneur_name,
       coalesce(l.obligation_hours, 0) AS obligation,
       coalesce(al.counted, 0) AS counted,
       coalesce(r.raw, 0) AS raw
  FROM lots l
  JOIN marches mk ON mk.tenant_id = l.tenant_id AND mk.id = l.marche_id
  JOIN organisations o ON o.tenant_id = mk.tenant_id AND o.id = mk.donneur_ordre_id
  LEFT JOIN allocated al ON al.lot_id = l.id
  LEFT JOIN raw r ON r.lot_id = l.id
 WHERE l.tenant_id = :tenant_id
"""

# People and contracts: missions placed on the lots of each group (a person counts once a group).
_PLACED = """
SELECT {key} AS key, count(DISTINCT m.participant_id) AS people, count(*) AS contracts
  FROM missions m
  JOIN lots l ON l.tenant_id = m.tenant_id AND l.id = m.lot_id
  JOIN marches mk ON mk.tenant_id = l.tenant_id AND mk.id = l.marche_id
 WHERE m.tenant_id = :tenant_id
 GROUP BY 1
"""

_GROUPS = {
    "lot": ("lot_id", "lot_label", "l.id"),
    "marche": ("marche_id", "reference", "l.marche_id"),
    "donneur_ordre": ("donneur_ordre_id", "donneur_name", "mk.donneur_ordre_id"),
}


def progress(level: str, keys: list[int] | None = None) -> dict[int, Progress]:
    """Progress per ``level`` (lot, marche or donneur_ordre) of the tenant in scope, by id."""
    key_column, label_column, placed_key = _GROUPS[level]
    where = "WHERE g.key = ANY(:keys)" if keys is not None else ""
    sql = f"""
        WITH f AS ({_LOT_FIGURES}),
        g AS (
            SELECT f.{key_column} AS key, min(f.{label_column}) AS label, sum(f.obligation) AS obligation,
                   sum(f.counted) AS counted, sum(f.raw) AS raw
              FROM f GROUP BY f.{key_column}
        ),
        p AS ({_PLACED.format(key=placed_key)})
        SELECT g.key, g.label, g.obligation, g.counted, g.raw,
               coalesce(p.people, 0) AS people, coalesce(p.contracts, 0) AS contracts
          FROM g LEFT JOIN p ON p.key = g.key
        {where}
        ORDER BY g.label
    """
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
