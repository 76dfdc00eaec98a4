"""The tables of a bilan that list rather than count: hours mutualised between lots, the hour
consolidation table (people by reference, employer, lot and month: seed 000 art. 2), the people in
parcours of a structure (seed 002 art. 2), the follow-ups done and the detailed exits.

People appear by their reference, never by name: these tables go to buyers, structures and
funders. Each is one statement grouped in PostgreSQL; ``{missions}``, ``{allocations}`` and
``{lots}`` are the scope's conditions (``saas.bilans.engine.conditions``).
"""

from __future__ import annotations

from datetime import date

from saas import formats

# Counted hours of the period that a lot holds from the missions of another lot (mutualisation),
# each pair of lots once; ``into_scope`` and ``from_scope`` say whether the receiving and the
# giving lot are in the scope. The allocations are read from the scope's lots (``{received}``)
# and from its missions (``{given}``), each allocation once. Such rows hold no counting (a
# counting is kept under its mission's own lot, which never changes): ``countings = 0`` keeps the
# join to the missions to a few rows.
MUTUALISATION = """
WITH shared AS (
    SELECT h.tenant_id, h.mission_id, h.month, h.rule_id, m.lot_id AS from_lot, h.lot_id AS to_lot, h.hours
      FROM mission_hour_totals h
      JOIN missions m ON m.tenant_id = h.tenant_id AND m.id = h.mission_id
     WHERE h.tenant_id = :t AND h.month BETWEEN :first_month AND :last_month AND h.countings = 0
       AND h.lot_id <> m.lot_id AND {received}
    UNION
    SELECT h.tenant_id, h.mission_id, h.month, h.rule_id, m.lot_id, h.lot_id, h.hours
      FROM missions m
      JOIN mission_hour_totals h ON h.tenant_id = m.tenant_id AND h.mission_id = m.id
     WHERE m.tenant_id = :t AND h.month BETWEEN :first_month AND :last_month AND h.countings = 0
       AND h.lot_id <> m.lot_id AND {given}
), moved AS (
    SELECT tenant_id, from_lot, to_lot, sum(hours) AS hours FROM shared GROUP BY 1, 2, 3
), named AS (
    SELECT l.tenant_id, l.id, 'Lot ' || l.number || ' — ' || mk.reference AS label, {lots} AS inside
      FROM lots l JOIN marches mk ON mk.tenant_id = l.tenant_id AND mk.id = l.marche_id
     WHERE l.tenant_id = :t AND l.id IN (SELECT from_lot FROM moved UNION SELECT to_lot FROM moved)
)
SELECT mv.from_lot || '-' || mv.to_lot AS key, 'De ' || f.label || ' vers ' || d.label AS label,
       mv.hours AS heures, d.inside AS into_scope, f.inside AS from_scope
  FROM moved mv
  JOIN named f ON f.tenant_id = mv.tenant_id AND f.id = mv.from_lot
  JOIN named d ON d.tenant_id = f.tenant_id AND d.id = mv.to_lot
 WHERE f.inside OR d.inside
 ORDER BY d.label, f.label
"""

# Counted hours of the period on the scope's lots by person (reference), employer and lot, the
# months as a JSON object (``{"2026-01": "12.00"}``).
CONSOLIDATION = """
WITH cell AS (
    SELECT h.tenant_id, h.mission_id, h.lot_id, h.month, sum(h.hours) AS hours
      FROM mission_hour_totals h
     WHERE h.tenant_id = :t AND h.month BETWEEN :first_month AND :last_month AND h.hours <> 0
       AND {allocations}
     GROUP BY 1, 2, 3, 4
)
SELECT pa.id || '-' || m.employer_id || '-' || cell.lot_id AS key, pa.reference AS label,
       emp.name AS employeur, 'Lot ' || l.number || ' — ' || mk.reference AS lot,
       jsonb_object_agg(to_char(cell.month, 'YYYY-MM'), cell.hours::text) AS months, sum(cell.hours) AS heures
  FROM cell
  JOIN missions m ON m.tenant_id = cell.tenant_id AND m.id = cell.mission_id
  JOIN participants pa ON pa.tenant_id = m.tenant_id AND pa.id = m.participant_id
  JOIN organisations emp ON emp.tenant_id = m.tenant_id AND emp.id = m.employer_id
  JOIN lots l ON l.tenant_id = m.tenant_id AND l.id = cell.lot_id
  JOIN marches mk ON mk.tenant_id = l.tenant_id AND mk.id = l.marche_id
 GROUP BY pa.id, pa.reference, m.employer_id, emp.name, cell.lot_id, l.number, mk.reference
 ORDER BY pa.reference, emp.name, lot
"""

# The scope's missions under way in the period, one row each: the person by reference, the post,
# the contract, the dates, the exit and the counted hours of the period.
PARCOURS = """
WITH sm AS (
    SELECT m.* FROM missions m
     WHERE m.tenant_id = :t AND {missions}
       AND m.start_date <= :end AND coalesce(m.exit_date, m.end_date, :end) >= :start
), worked AS (
    SELECT h.tenant_id, h.mission_id, sum(h.hours) AS hours
      FROM sm JOIN mission_hour_totals h ON h.tenant_id = sm.tenant_id AND h.mission_id = sm.id
     WHERE h.month BETWEEN :first_month AND :last_month
     GROUP BY 1, 2
)
SELECT sm.id::text AS key, pa.reference AS label, emp.name AS employeur,
       coalesce(sm.job_title, ro.label, '') AS poste, coalesce(ct.label, sm.contract_type) AS contrat,
       sm.start_date AS debut, sm.end_date AS fin, sm.exit_date AS sortie_le,
       coalesce(ex.label, '') AS motif, coalesce(w.hours, 0) AS heures
  FROM sm
  JOIN participants pa ON pa.tenant_id = sm.tenant_id AND pa.id = sm.participant_id
  JOIN organisations emp ON emp.tenant_id = sm.tenant_id AND emp.id = sm.employer_id
  LEFT JOIN ref_contract_types ct ON ct.code = sm.contract_type
  LEFT JOIN ref_rome ro ON ro.code = sm.rome_code
  LEFT JOIN ref_exit_motifs ex ON ex.code = sm.exit_motif
  LEFT JOIN worked w ON w.tenant_id = sm.tenant_id AND w.mission_id = sm.id
 ORDER BY emp.name, pa.reference, sm.start_date
"""

# Follow-ups done in the period on the scope's missions, by kind (site visit, interviews).
SUIVIS = """
SELECT coalesce(f.kind, '') AS key, count(*) AS suivis, count(DISTINCT m.participant_id) AS personnes
  FROM follow_ups f JOIN missions m ON m.tenant_id = f.tenant_id AND m.id = f.mission_id
 WHERE f.tenant_id = :t AND {missions} AND f.done_on BETWEEN :start AND :end
 GROUP BY 1
"""

# Exits of the period by detailed motif (CDI, CDD of 6 months and more, qualifying training…).
MOTIFS = """
SELECT m.exit_motif AS key, min(ex.label) AS label, min(ex.category) AS category,
       count(*) AS sorties, count(DISTINCT m.participant_id) AS personnes
  FROM missions m JOIN ref_exit_motifs ex ON ex.code = m.exit_motif
 WHERE m.tenant_id = :t AND {missions} AND m.exit_date BETWEEN :start AND :end
 GROUP BY m.exit_motif
"""


def month_keys(first: date, last: date) -> list[str]:
    """``YYYY-MM`` of each month from ``first`` to ``last``: the columns of the consolidation."""
    keys, month = [], first.replace(day=1)
    while month <= last:
        keys.append(f"{month:%Y-%m}")
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return keys


def month_label(key: str) -> str:
    """The column of a month of the consolidation: ``janv. 2026``."""
    return formats.month(date.fromisoformat(key + "-01"))
