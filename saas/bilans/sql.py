"""The SQL of the indicators (``saas.bilans.indicators`` defines them): a few statements per bilan,
each grouping in PostgreSQL (grouping sets), whatever the number of rows.

``{missions}`` is the condition of the scope's missions on ``m``, ``{allocations}`` the condition of
its hours on ``h``, a row of ``mission_hour_totals`` (the counted hours of a mission's month on a
lot, which the ledger's triggers keep: migration ``e6c2b8d4f1a3``), ``{lots}`` the condition of its
lots on ``l`` (see ``saas.bilans.engine``). Every join equates ``tenant_id`` (``saas/distribution.py``).
"""

from __future__ import annotations

# The hours of the period counted on the scope (``hw``), by mission, by counting rule and, for a
# scope of missions, by month with their raw hours (``{by_month}``; the months of a scope of lots
# are read from ``hour_totals``, with the expected pace: ``MONTHS_OF_LOTS``). The missions of the
# scope under way in the period (placed), and those whose hours of the period are counted on the
# scope (``worked``, mutualised hours from another lot's missions included),
# each once in ``ids`` with its placed flag and its hours, then in ``keyed`` with its keys
# (``mission_facts``, read by its primary key: a join between two derived relations of unknown
# size could be planned as a nested loop over both).
BASE = """
WITH hw AS (
    SELECT h.tenant_id, h.mission_id, h.rule_id, {month} AS month, sum(h.hours) AS hours,
           sum(h.raw_hours) AS raw_hours, count(*) FILTER (WHERE h.hours <> 0) AS counted
      FROM mission_hour_totals h
     WHERE h.tenant_id = :t AND h.month BETWEEN :first_month AND :last_month {counted_only}
       AND {allocations}
     GROUP BY GROUPING SETS ((h.tenant_id, h.mission_id), (h.tenant_id, h.rule_id) {by_month})
), worked AS (
    SELECT hw.tenant_id, hw.mission_id, hw.hours FROM hw WHERE hw.mission_id IS NOT NULL AND hw.counted > 0
), ids AS (
    SELECT x.tenant_id, x.mission_id, bool_or(x.placed) AS placed, sum(x.hours) AS hours
      FROM (SELECT m.tenant_id, m.mission_id, true AS placed, 0 AS hours
              FROM mission_facts m
             WHERE m.tenant_id = :t AND {missions} AND m.until_date >= :start AND m.start_date <= :end
            UNION ALL
            SELECT w.tenant_id, w.mission_id, false, w.hours FROM worked w) x
     GROUP BY x.tenant_id, x.mission_id
), keyed AS (
    SELECT m.*, ids.placed, ids.hours
      FROM ids JOIN mission_facts m ON m.tenant_id = ids.tenant_id AND m.mission_id = ids.mission_id
)
"""

# The keys of each mission (``k``), with the values of the reference lists, and of each person
# (``pp``: the same for all their missions), with their counts; a person's exits are their
# missions left in the period.
KEYS = """
, k AS (
    SELECT x.tenant_id, x.participant_id, x.placed, x.hours, x.contract_type, ct.family AS contract_family,
           x.modality, x.employer_id, x.employer_kind, x.rome_code, x.sector,
           CASE WHEN x.duration = 'sans_terme' AND ct.fixed_term THEN 'inconnue' ELSE x.duration END AS duration,
           CASE WHEN x.exit_date BETWEEN :start AND :end THEN x.exit_category END AS exit_category,
           CASE WHEN x.exit_date BETWEEN :start AND :end THEN coalesce(s6.category, 'inconnue') END AS situation
      FROM keyed x
      LEFT JOIN ref_contract_types ct ON ct.code = x.contract_type
      LEFT JOIN ref_exit_motifs s6 ON s6.code = x.situation_6m_motif
), pp AS (
    SELECT x.tenant_id, x.participant_id, bool_or(x.placed) AS placed,
           count(*) FILTER (WHERE x.placed) AS contrats, sum(x.hours) AS hours,
           count(*) FILTER (WHERE x.exit_date BETWEEN :start AND :end AND x.exit_category IS NOT NULL) AS sorties,
           min(x.sex) AS sex, min(x.age_band) AS age_band, min(x.level) AS level, bool_or(x.qpv) AS qpv,
           min(x.prescripteur_id) AS prescripteur_id, min(x.prescriber_kind) AS prescriber_kind,
           min(x.criteria) AS criteria
      FROM keyed x GROUP BY x.tenant_id, x.participant_id
)
"""

# Each person's criteria at entry (``pc``), and the priority group of their best criterion
# (``pk``): each only when a table shows it.
CRITERIA = """
, pc AS (
    SELECT c.tenant_id, c.participant_id, c.placed, c.hours, r.code, r.label, r.rank
      FROM (SELECT pp.*, unnest(pp.criteria) AS code FROM pp) c
      JOIN ref_criteria r ON r.code = c.code
)
"""
PRIORITY = """
, levels AS (
    SELECT d.tenant_id, d.criteria,
           coalesce((SELECT CASE min(r.level) WHEN 1 THEN 'niveau_1' WHEN 2 THEN 'niveau_2' ELSE 'critere_clause' END
                       FROM ref_criteria r WHERE r.code = ANY (d.criteria) HAVING count(*) > 0),
                    'sans_critere') AS priority
      FROM (SELECT DISTINCT pp.tenant_id, pp.criteria FROM pp) d
), pk AS (
    SELECT pp.*, levels.priority
      FROM pp JOIN levels ON levels.tenant_id = pp.tenant_id AND levels.criteria = pp.criteria
)
"""
STATUT = """
SELECT CAST(:t AS bigint), 'statut', pc.code, min(pc.label), min(pc.rank),
       count(*) FILTER (WHERE pc.placed), 0, coalesce(sum(pc.hours), 0), 0, 0
  FROM pc GROUP BY pc.code"""

#: the tables grouped by a key of each mission (``k``) or of each person (``pp``): the breakdown's
#: code, its key column, and where the label of a key is read, on the grouped rows (a few dozen,
#: not one per mission): ``g.key`` is the key
_OF_MISSION = (
    ("type_contrat", "contract_type", "(SELECT ct.label FROM ref_contract_types ct WHERE ct.code = g.key)"),
    ("famille_contrat", "contract_family", None),
    ("modalite", "modality", None),
    (
        "employeur",
        "employer_id",
        "(SELECT o.name FROM organisations o WHERE o.tenant_id = g.tenant_id AND o.id = g.key::bigint)",
    ),
    ("metier", "rome_code", "(SELECT ro.label FROM ref_rome ro WHERE ro.code = g.key)"),
    (
        "secteur",
        "sector",
        "(SELECT se.label FROM ref_items se WHERE se.list = 'secteur' AND se.code = g.key)",
    ),
    ("duree_contrat", "duration", None),
    ("type_employeur", "employer_kind", None),
    ("sortie", "exit_category", None),
    ("situation_6_mois", "situation", None),
)
_OF_PERSON = (
    ("sexe", "sex", None),
    ("age", "age_band", None),
    (
        "niveau",
        "level",
        "(SELECT lv.label FROM ref_items lv WHERE lv.list = 'niveau_qualification' AND lv.code = g.key)",
    ),
    ("qpv", "qpv", None),
    (
        "prescripteur",
        "prescripteur_id",
        "(SELECT o.name FROM organisations o WHERE o.tenant_id = g.tenant_id AND o.id = g.key::bigint)",
    ),
    ("type_prescripteur", "prescriber_kind", None),
    ("publics_prioritaires", "priority", None),
)
GROUPED = _OF_MISSION + _OF_PERSON

#: the tables of exits: their people are those who left in the period, counted over the missions
#: left in the period only
EXIT_TABLES = frozenset({"sortie", "situation_6_mois"})

#: by mission, a person counts once in each key; by person, once in all
_MISSION_MEASURES = """count(DISTINCT participant_id) FILTER (WHERE placed), count(*) FILTER (WHERE placed),
       coalesce(sum(hours), 0), count(*) FILTER (WHERE exit_category IS NOT NULL), 0"""
_EXIT_MEASURES = """0, 0, 0, count(*) FILTER (WHERE exit_category IS NOT NULL),
       count(DISTINCT participant_id) FILTER (WHERE exit_category IS NOT NULL)"""
_PERSON_MEASURES = """count(*) FILTER (WHERE placed), coalesce(sum(contrats), 0)::bigint, coalesce(sum(hours), 0),
       coalesce(sum(sorties), 0)::bigint, count(*) FILTER (WHERE sorties > 0)"""

_RULES = """
SELECT 'regles', coalesce(mk.reference, ''), NULL, r.version, 0, 0, 0, 0, 0, NULL
  FROM (SELECT hw.tenant_id, hw.rule_id FROM hw WHERE hw.rule_id IS NOT NULL AND hw.counted > 0) w
  JOIN counting_rules r ON r.tenant_id = w.tenant_id AND r.id = w.rule_id
  LEFT JOIN marches mk ON mk.tenant_id = r.tenant_id AND mk.id = r.marche_id
"""

#: the hours of each month that has some (``hw``), counted and raw
_MONTHS = """
UNION ALL
SELECT 'mois', hw.month::text, NULL, NULL, 0, 0, hw.hours, 0, 0, hw.raw_hours FROM hw WHERE hw.month IS NOT NULL
"""


def _grouping(grouped: tuple, relation: str, measures: str, total: bool) -> str:
    """One grouping set per table of ``grouped`` over ``relation`` (and the totals with ``total``)."""
    which = " ".join(f"WHEN grouping({key}) = 0 THEN '{code}'" for code, key, _ in grouped)
    keys = ", ".join([f"{key}::text" for _, key, _ in grouped] + ["NULL::text"])
    sets = ", ".join([f"({key})" for _, key, _ in grouped] + (["()"] if total else []))
    breakdown = f"CASE {which} ELSE 'total' END" if which else "'total'"
    return f"""
SELECT CAST(:t AS bigint), {breakdown}, coalesce({keys}), NULL::text, NULL::int,
       {measures}
  FROM {relation} GROUP BY GROUPING SETS ({sets})"""


def figures_sql(wanted: frozenset[str] | None = None, by_month: bool = False) -> str:
    """The totals, the tables of ``GROUPED`` and of the criteria at entry, the counting-rule
    versions of the hours and, ``by_month``, the counted and raw hours of each month, in one
    statement: the scope's rows are read once. Only the tables of ``wanted`` are grouped (all of
    them without it), and the residence in a QPV, whose hours every bilan totals."""
    shown = {code for code, _, _ in GROUPED} | {"statut"} if wanted is None else wanted | {"qpv"}
    of_mission = tuple(entry for entry in _OF_MISSION if entry[0] in shown)
    of_exit = tuple(entry for entry in of_mission if entry[0] in EXIT_TABLES)
    of_person = tuple(entry for entry in _OF_PERSON if entry[0] in shown)
    priority = "publics_prioritaires" in shown
    kept = tuple(entry for entry in of_mission if entry not in of_exit)
    parts = [_grouping(kept, "k", _MISSION_MEASURES, total=True)]
    if of_exit:  # a mission left in the period has a situation at 6 months, known or not
        parts.append(_grouping(of_exit, "k WHERE situation IS NOT NULL", _EXIT_MEASURES, total=False))
    parts.append(_grouping(of_person, "pk" if priority else "pp", _PERSON_MEASURES, total=False))
    if "statut" in shown:
        parts.append(STATUT)
    labels = " ".join(f"WHEN '{code}' THEN {label}" for code, _, label in of_mission + of_person if label)
    label = f"coalesce(g.label, CASE g.breakdown {labels} END)" if labels else "g.label"
    columns = (
        "tenant_id, breakdown, key, label, rank, personnes, contrats, heures, sorties, personnes_sorties"
    )
    base = BASE.replace("{counted_only}", "" if by_month else "AND h.hours <> 0")
    base = base.replace("{month}", "h.month" if by_month else "NULL::date")
    return (
        base.replace("{by_month}", ", (h.tenant_id, h.month)" if by_month else "")
        + KEYS
        + (CRITERIA if "statut" in shown else "")
        + (PRIORITY if priority else "")
        + f", g ({columns}) AS ("
        + "\nUNION ALL".join(parts)
        + f"""
)
SELECT g.breakdown, g.key, {label} AS label, g.rank, g.personnes, g.contrats, g.heures,
       g.sorties, g.personnes_sorties, NULL::numeric AS heures_brutes
  FROM g
UNION ALL"""
        + _RULES
        + (_MONTHS if by_month else "")
    )


# Hours of the lots of the scope (kept by the ledger in ``hour_totals``), by lot, by marché and in
# all: the period's counted and raw hours, the counted hours up to its last month, the obligation.
LOTS = """
WITH sl AS (
    SELECT l.tenant_id, l.id, l.marche_id, 'Lot ' || l.number || ' — ' || mk.reference AS lot_label,
           mk.reference || ' — ' || mk.object AS marche_label, coalesce(l.obligation_hours, 0) AS obligation
      FROM lots l JOIN marches mk ON mk.tenant_id = l.tenant_id AND mk.id = l.marche_id
     WHERE l.tenant_id = :t AND {lots}
), t AS (
    SELECT sl.tenant_id, sl.id,
           sum(h.hours) FILTER (WHERE h.month BETWEEN :first_month AND :last_month) AS heures,
           sum(h.raw_hours) FILTER (WHERE h.month BETWEEN :first_month AND :last_month) AS heures_brutes,
           sum(h.hours) FILTER (WHERE h.month <= :last_month) AS heures_cumulees
      FROM sl JOIN hour_totals h ON h.tenant_id = sl.tenant_id AND h.lot_id = sl.id
     GROUP BY sl.tenant_id, sl.id
)
SELECT CASE WHEN grouping(sl.id) = 0 THEN 'lot' WHEN grouping(sl.marche_id) = 0 THEN 'marche'
            ELSE 'total' END AS breakdown,
       coalesce(sl.id, sl.marche_id)::text AS key,
       coalesce(min(sl.lot_label), min(sl.marche_label)) AS label,
       min(sl.lot_label) AS sort_label, min(sl.marche_label) AS marche_label,
       sum(sl.obligation) AS obligation, coalesce(sum(t.heures), 0) AS heures,
       coalesce(sum(t.heures_brutes), 0) AS heures_brutes,
       coalesce(sum(t.heures_cumulees), 0) AS heures_cumulees
  FROM sl LEFT JOIN t ON t.tenant_id = sl.tenant_id AND t.id = sl.id
 GROUP BY GROUPING SETS ((sl.marche_id, sl.id), (sl.marche_id), ())
"""

#: the lots of the territory in a bilan of the territory: those of the marchés under way in the
#: period, and any lot with hours counted in it
TERRITORY_LOTS = """(
    (mk.start_date IS NULL OR mk.start_date <= :end) AND (mk.end_date IS NULL OR mk.end_date >= :start)
    OR EXISTS (SELECT 1 FROM hour_totals h WHERE h.tenant_id = l.tenant_id AND h.lot_id = l.id
               AND h.month BETWEEN :first_month AND :last_month)
)"""

# Month by month: counted and raw hours, and for scopes of lots the hours expected at a steady
# pace (each lot's obligation spread over the days of its marché), both read in one relation so
# that no two tenant relations are joined on the month alone.
MONTHS_OF_LOTS = """
WITH months AS (
    SELECT generate_series(CAST(:first_month AS date), CAST(:last_month AS date), interval '1 month')::date AS month
), sl AS (
    SELECT l.tenant_id, l.id, l.obligation_hours, mk.start_date, mk.end_date
      FROM lots l JOIN marches mk ON mk.tenant_id = l.tenant_id AND mk.id = l.marche_id
     WHERE l.tenant_id = :t AND {lots}
), per_month AS (
    SELECT h.month, h.hours AS heures, h.raw_hours AS heures_brutes, NULL::numeric AS attendu
      FROM sl JOIN hour_totals h ON h.tenant_id = sl.tenant_id AND h.lot_id = sl.id
     WHERE h.month BETWEEN :first_month AND :last_month
    UNION ALL
    SELECT mo.month, NULL, NULL,
           sl.obligation_hours * greatest(0, least(sl.end_date, (mo.month + interval '1 month - 1 day')::date)
               - greatest(sl.start_date, mo.month) + 1) / (sl.end_date - sl.start_date + 1)
      FROM months mo CROSS JOIN sl
     WHERE sl.obligation_hours IS NOT NULL AND sl.start_date IS NOT NULL AND sl.end_date IS NOT NULL
)
SELECT mo.month, coalesce(sum(x.heures), 0) AS heures, coalesce(sum(x.heures_brutes), 0) AS heures_brutes,
       round(sum(x.attendu), 2) AS attendu
  FROM months mo LEFT JOIN per_month x ON x.month = mo.month
 GROUP BY mo.month
 ORDER BY mo.month
"""
