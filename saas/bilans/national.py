"""The tables of the network's national collection that count marchés, buyers and organisations
rather than people: donneurs d'ordre by kind of buyer, marchés by legal basis and by sector (with
their operations, lots, hours due and counted), the organisations at work by kind, the companies
(lot holders and employers) by kind.

They come from one statement, grouped in PostgreSQL; ``{lots}`` is the scope's condition on its lots ``l``
(for the territory: the lots of the marchés under way and any lot with hours counted in the
period, ``saas.bilans.sql.TERRITORY_LOTS``), ``{missions}`` its condition on missions ``m``.
"""

from __future__ import annotations

from saas.marches.enums import Consideration

# The lots of the scope with their marché, its operation (a marché without one is an operation of
# its own), its donneur d'ordre's kind, its sector and its legal bases, and the hours counted on
# the lot in the period (``hour_totals``), grouped by buyer kind, by sector, in all, and by legal
# basis (a marché with several counts under each; one with none under « non renseigné »).
#
# The organisations at work in the period, by kind, each once (``structures``): the employers of
# a mission under way, the prescribers of a prescription made, the holders and subcontractors of a
# lot and the donneurs d'ordre of a marché of the scope, the parties to a convention in force. And
# the companies by kind (``entreprises``): the holders of the scope's lots, and the employers of its
# missions under way (``saas.bilans.sql`` counts their people, contracts and hours).
#
# One statement: the scope's lots and missions are read once for all these tables.
NATIONAL = (
    """
WITH sl AS (
    SELECT l.tenant_id, l.id, l.attributaire_id, mk.id AS marche_id, mk.donneur_ordre_id,
           coalesce(lower(btrim(mk.operation)), '#' || mk.id) AS operation,
           coalesce(o.buyer_kind, '') AS buyer_kind, coalesce(mk.sector, '') AS sector,
           coalesce(se.label, '') AS sector_label, mk.considerations,
           coalesce(l.obligation_hours, 0) AS obligation
      FROM lots l
      JOIN marches mk ON mk.tenant_id = l.tenant_id AND mk.id = l.marche_id
      JOIN organisations o ON o.tenant_id = mk.tenant_id AND o.id = mk.donneur_ordre_id
      LEFT JOIN ref_items se ON se.list = 'secteur' AND se.code = mk.sector
     WHERE l.tenant_id = :t AND {lots}
), t AS (
    SELECT sl.tenant_id, sl.id, sum(h.hours) AS hours
      FROM sl JOIN hour_totals h ON h.tenant_id = sl.tenant_id AND h.lot_id = sl.id
     WHERE h.month BETWEEN :first_month AND :last_month
     GROUP BY sl.tenant_id, sl.id
), x AS (
    SELECT sl.*, coalesce(t.hours, 0) AS hours
      FROM sl LEFT JOIN t ON t.tenant_id = sl.tenant_id AND t.id = sl.id
), employers AS (
    SELECT DISTINCT m.tenant_id, m.employer_id AS id FROM mission_facts m
     WHERE m.tenant_id = :t AND {missions} AND m.until_date >= :start AND m.start_date <= :end
), holders AS (
    SELECT DISTINCT sl.tenant_id, sl.attributaire_id AS id FROM sl WHERE sl.attributaire_id IS NOT NULL
), active AS (
    SELECT tenant_id, id FROM employers
    UNION
    SELECT p.tenant_id, p.prescripteur_id FROM prescriptions p
     WHERE p.tenant_id = :t AND p.prescribed_on BETWEEN :start AND :end
    UNION
    SELECT tenant_id, id FROM holders
    UNION
    SELECT tenant_id, donneur_ordre_id FROM sl
    UNION
    SELECT st.tenant_id, st.organisation_id
      FROM lot_subcontractors st JOIN sl ON sl.tenant_id = st.tenant_id AND sl.id = st.lot_id
    UNION
    SELECT cp.tenant_id, cp.organisation_id
      FROM convention_parties cp
      JOIN conventions c ON c.tenant_id = cp.tenant_id AND c.id = cp.convention_id
     WHERE cp.tenant_id = :t AND c.effective_on <= :end
       AND (c.terminated_on IS NULL OR c.terminated_on >= :start)
)
SELECT CASE WHEN grouping(buyer_kind) = 0 THEN 'type_acheteur' WHEN grouping(sector) = 0 THEN 'secteur_marche'
            ELSE 'total' END AS breakdown,
       coalesce(buyer_kind, sector) AS key,
       CASE WHEN grouping(sector) = 0 THEN min(sector_label) END AS label,
       count(DISTINCT donneur_ordre_id) AS donneurs_ordre, count(DISTINCT operation) AS operations,
       count(DISTINCT marche_id) AS marches, count(*) AS lots, sum(obligation) AS obligation,
       sum(hours) AS heures, 0 AS structures, 0 AS attributaires, 0 AS employeurs
  FROM x
 GROUP BY GROUPING SETS ((buyer_kind), (sector), ())
UNION ALL
SELECT 'fondement', k.basis, NULL, count(DISTINCT donneur_ordre_id), count(DISTINCT operation),
       count(DISTINCT marche_id), count(*), sum(obligation), sum(hours), 0, 0, 0
  FROM x JOIN (VALUES """
    + ", ".join(f"(CAST(:t AS bigint), '{basis}')" for basis in (*map(str, Consideration), ""))
    + """) AS k (tenant_id, basis)
    ON k.tenant_id = x.tenant_id
   AND (k.basis = ANY (x.considerations) OR (k.basis = '' AND coalesce(cardinality(x.considerations), 0) = 0))
 GROUP BY k.basis
UNION ALL
SELECT 'structures', o.kind, NULL, 0, 0, 0, 0, 0, 0, count(*), 0, 0
  FROM active a JOIN organisations o ON o.tenant_id = a.tenant_id AND o.id = a.id
 GROUP BY o.kind
UNION ALL
SELECT 'entreprises', o.kind, NULL, 0, 0, 0, 0, 0, 0, 0, count(h.id), count(e.id)
  FROM organisations o
  LEFT JOIN holders h ON h.tenant_id = o.tenant_id AND h.id = o.id
  LEFT JOIN employers e ON e.tenant_id = o.tenant_id AND e.id = o.id
 WHERE o.tenant_id = :t AND (h.id IS NOT NULL OR e.id IS NOT NULL)
 GROUP BY o.kind
"""
)
