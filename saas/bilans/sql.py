"""The SQL of the indicators (``saas.bilans.indicators`` defines them): a few statements per bilan,
each grouping in PostgreSQL (grouping sets), whatever the number of rows.

``{missions}`` is the condition of the scope's missions on ``m``, ``{allocations}`` the condition of
its hours on ``h``, a row of ``mission_hour_totals`` (the counted hours of a mission's month on a
lot, which the ledger's triggers keep: migration ``e6c2b8d4f1a3``), ``{lots}`` the condition of its
lots on ``l`` (see ``saas.bilans.engine``). Every join equates ``tenant_id`` (``saas/distribution.py``).
"""

from __future__ import annotations

# The missions of the scope under way in the period (``placed``), and those whose hours of the
# period are counted on the scope (``worked``, mutualised hours from another lot's missions
# included), each mission once in ``u`` with its placed flag and its hours.
BASE = """
WITH sm AS (
    SELECT m.tenant_id, m.id FROM missions m WHERE m.tenant_id = :t AND {missions}
), placed AS (
    SELECT m.tenant_id, m.id
      FROM missions m JOIN sm ON sm.tenant_id = m.tenant_id AND sm.id = m.id
     WHERE m.start_date <= :end AND coalesce(m.exit_date, m.end_date, :end) >= :start
), worked AS (
    SELECT h.tenant_id, h.mission_id AS id, sum(h.hours) AS hours, array_agg(DISTINCT h.rule_id) AS rule_ids
      FROM mission_hour_totals h
     WHERE h.tenant_id = :t AND h.month BETWEEN :first_month AND :last_month AND h.hours <> 0
       AND {allocations}
     GROUP BY h.tenant_id, h.mission_id
), u AS (
    SELECT m.*, bool_or(x.placed) AS placed, sum(x.hours) AS hours,
           (SELECT min(f.start_date) FROM missions f
             WHERE f.tenant_id = m.tenant_id AND f.participant_id = m.participant_id) AS first_start
      FROM (SELECT tenant_id, id, true AS placed, 0 AS hours FROM placed
            UNION ALL
            SELECT tenant_id, id, false, hours FROM worked) x
      JOIN missions m ON m.tenant_id = x.tenant_id AND m.id = x.id
     GROUP BY m.tenant_id, m.id
)
"""

# One row per mission of ``u`` with every key a table of the bilan groups by.
KEYED = """
, keyed AS (
    SELECT u.id, u.participant_id, u.placed, u.hours, u.contract_type, ct.label AS contract_label,
           ct.family AS contract_family, u.modality, u.employer_id, emp.kind AS employer_kind,
           CASE WHEN u.end_date IS NULL AND ct.fixed_term THEN 'inconnue'
                WHEN u.end_date IS NULL THEN 'sans_terme'
                WHEN u.end_date + 1 < u.start_date + interval '1 month' THEN 'moins_1_mois'
                WHEN u.end_date + 1 < u.start_date + interval '3 months' THEN '1_3_mois'
                WHEN u.end_date + 1 < u.start_date + interval '6 months' THEN '3_6_mois'
                WHEN u.end_date + 1 < u.start_date + interval '12 months' THEN '6_12_mois'
                ELSE '12_mois_plus' END AS duration,
           coalesce(u.rome_code, '') AS rome_code, coalesce(mk.sector, '') AS sector,
           coalesce(i.sex, '') AS sex,
           CASE WHEN i.birth_date IS NULL THEN 'inconnu'
                WHEN u.first_start < i.birth_date + interval '26 years' THEN 'moins_26'
                WHEN u.first_start >= i.birth_date + interval '50 years' THEN '50_plus'
                ELSE '26_49' END AS age_band,
           coalesce(pa.qualification_level, '') AS level,
           (i.qpv_code IS NOT NULL) AS qpv,
           {prescribed},
           CASE WHEN u.exit_date BETWEEN :start AND :end THEN u.exit_category END AS exit_category,
           CASE WHEN u.exit_date BETWEEN :start AND :end THEN coalesce(s6.category, 'inconnue') END AS situation
      FROM u
      JOIN participants pa ON pa.tenant_id = u.tenant_id AND pa.id = u.participant_id
      JOIN lots l ON l.tenant_id = u.tenant_id AND l.id = u.lot_id
      JOIN marches mk ON mk.tenant_id = l.tenant_id AND mk.id = l.marche_id
      JOIN organisations emp ON emp.tenant_id = u.tenant_id AND emp.id = u.employer_id
      LEFT JOIN participant_identities i ON i.tenant_id = u.tenant_id AND i.participant_id = u.participant_id
      LEFT JOIN ref_contract_types ct ON ct.code = u.contract_type
      LEFT JOIN ref_exit_motifs s6 ON s6.code = u.situation_6m_motif
      {prescription}
)
"""

#: each person's last prescription, joined only when a table groups by prescriber
PRESCRIPTION = """LEFT JOIN LATERAL (
          SELECT p.tenant_id, p.prescripteur_id, o.prescriber_kind
            FROM prescriptions p
            JOIN organisations o ON o.tenant_id = p.tenant_id AND o.id = p.prescripteur_id
           WHERE p.tenant_id = u.tenant_id AND p.participant_id = u.participant_id
           ORDER BY p.prescribed_on DESC, p.id DESC
           LIMIT 1
      ) pr ON pr.tenant_id = u.tenant_id"""
PRESCRIBED = (
    "coalesce(pr.prescripteur_id, 0) AS prescripteur_id, coalesce(pr.prescriber_kind, '') AS prescriber_kind"
)
NOT_PRESCRIBED = "0::bigint AS prescripteur_id, ''::text AS prescriber_kind"

# The criteria of each person's validation at entry (the last validated on or before their first
# mission, else the first after), a person counting once per criterion and once in the priority
# group of their best criterion.
CRITERIA = """
, pp AS (
    SELECT u.tenant_id, u.participant_id, bool_or(u.placed) AS placed, sum(u.hours) AS hours,
           min(u.first_start) AS first_start
      FROM u GROUP BY u.tenant_id, u.participant_id
), entry AS (
    SELECT DISTINCT ON (e.participant_id) e.tenant_id, e.participant_id, e.id
      FROM eligibilities e
      JOIN pp ON pp.tenant_id = e.tenant_id AND pp.participant_id = e.participant_id
     WHERE e.tenant_id = :t AND e.revoked_at IS NULL
     ORDER BY e.participant_id, (e.validated_on <= pp.first_start) DESC,
              CASE WHEN e.validated_on <= pp.first_start THEN e.validated_on END DESC NULLS LAST,
              e.validated_on, e.id
), crit AS (
    SELECT pp.participant_id, pp.placed, pp.hours, r.code, r.label, r.level, r.rank
      FROM pp
      LEFT JOIN entry en ON en.tenant_id = pp.tenant_id AND en.participant_id = pp.participant_id
      LEFT JOIN eligibility_criteria ec ON ec.tenant_id = en.tenant_id AND ec.eligibility_id = en.id
      LEFT JOIN ref_criteria r ON r.code = ec.criterion_code
), best AS (
    SELECT participant_id, bool_or(placed) AS placed, max(hours) AS hours,
           CASE WHEN min(level) = 1 THEN 'niveau_1' WHEN min(level) = 2 THEN 'niveau_2'
                WHEN count(code) > 0 THEN 'critere_clause' ELSE 'sans_critere' END AS priority
      FROM crit GROUP BY participant_id
)
"""

#: the tables grouped over ``keyed``: the breakdown's code, its key column, and where the label of
#: a key is read, on the grouped rows (a few dozen, not one per mission): ``g.key`` is the key
GROUPED = (
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
    ("duree_contrat", "duration", None),
    ("type_employeur", "employer_kind", None),
    ("sortie", "exit_category", None),
    ("situation_6_mois", "situation", None),
)


#: the tables of the criteria at entry (``CRITERIA``), each a statement of its own in the union
_CRITERIA_TABLES = {
    "statut": """
SELECT 'statut', code, min(label), min(rank), count(DISTINCT participant_id) FILTER (WHERE placed), 0,
       coalesce(sum(hours), 0), 0, 0
  FROM crit WHERE code IS NOT NULL GROUP BY code""",
    "publics_prioritaires": """
SELECT 'publics_prioritaires', priority, NULL, NULL, count(*) FILTER (WHERE placed), 0,
       coalesce(sum(hours), 0), 0, 0
  FROM best GROUP BY priority""",
}

_RULES = """
SELECT 'regles', coalesce(mk.reference, ''), NULL, r.version, 0, 0, 0, 0, 0
  FROM (SELECT DISTINCT tenant_id, unnest(rule_ids) AS id FROM worked) w
  JOIN counting_rules r ON r.tenant_id = w.tenant_id AND r.id = w.id
  LEFT JOIN marches mk ON mk.tenant_id = r.tenant_id AND mk.id = r.marche_id
"""


def figures_sql(wanted: frozenset[str] | None = None) -> str:
    """The totals, the tables of ``GROUPED`` (one grouping set each) and the counting-rule versions
    of the hours, in one statement: the scope's rows are read once. Only the tables of ``wanted``
    are grouped (all of them without it), and the residence in a QPV, whose hours every bilan
    totals. The criteria at entry are ``criteria_sql``'s."""
    grouped = [entry for entry in GROUPED if wanted is None or entry[0] in wanted or entry[0] == "qpv"]
    which = " ".join(f"WHEN grouping({key}) = 0 THEN '{code}'" for code, key, _ in grouped)
    keys = ", ".join([f"{key}::text" for _, key, _ in grouped] + ["NULL::text"])
    labels = " ".join(f"WHEN '{code}' THEN {label}" for code, _, label in grouped if label)
    sets = "".join(f"({key}), " for _, key, _ in grouped)
    breakdown = f"CASE {which} ELSE 'total' END" if which else "'total'"
    label = f"CASE g.breakdown {labels} END" if labels else "NULL::text"
    prescribed = any(code in ("prescripteur", "type_prescripteur") for code, _, _ in grouped)
    return (
        BASE
        + KEYED.replace("{prescribed}", PRESCRIBED if prescribed else NOT_PRESCRIBED).replace(
            "{prescription}", PRESCRIPTION if prescribed else ""
        )
        + f"""
, g AS (
    SELECT CAST(:t AS bigint) AS tenant_id, {breakdown} AS breakdown, coalesce({keys}) AS key,
           count(DISTINCT participant_id) FILTER (WHERE placed) AS personnes,
           count(*) FILTER (WHERE placed) AS contrats,
           coalesce(sum(hours), 0) AS heures,
           count(*) FILTER (WHERE exit_category IS NOT NULL) AS sorties,
           count(DISTINCT participant_id) FILTER (WHERE exit_category IS NOT NULL) AS personnes_sorties
      FROM keyed
     GROUP BY GROUPING SETS ({sets}())
)
SELECT g.breakdown, g.key, {label} AS label, NULL::int AS rank, g.personnes, g.contrats, g.heures,
       g.sorties, g.personnes_sorties
  FROM g
UNION ALL"""
        + _RULES
    )


def criteria_sql(wanted: frozenset[str] | None = None) -> str | None:
    """The tables of the criteria at entry that ``wanted`` shows (all without it), in a statement
    of their own: joined to the scope's missions a second time in the figures' statement, the
    missions would be planned as a relation of unknown size (nested loops over thousands of rows)."""
    criteria = [sql for code, sql in _CRITERIA_TABLES.items() if wanted is None or code in wanted]
    if not criteria:
        return None
    columns = "breakdown, key, label, rank, personnes, contrats, heures, sorties, personnes_sorties"
    return BASE + CRITERIA + "SELECT * FROM (" + "\nUNION ALL".join(criteria) + f"\n) AS c ({columns})"


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

# The same for a scope of missions: their counted hours on every lot, their raw hours.
MONTHS_OF_MISSIONS = """
WITH months AS (
    SELECT generate_series(CAST(:first_month AS date), CAST(:last_month AS date), interval '1 month')::date AS month
), done AS (
    SELECT h.month, sum(h.raw_hours) AS heures_brutes, sum(h.hours) AS heures
      FROM missions m JOIN mission_hour_totals h ON h.tenant_id = m.tenant_id AND h.mission_id = m.id
     WHERE m.tenant_id = :t AND {missions} AND h.month BETWEEN :first_month AND :last_month
     GROUP BY h.month
)
SELECT mo.month, coalesce(d.heures, 0) AS heures, coalesce(d.heures_brutes, 0) AS heures_brutes,
       NULL AS attendu
  FROM months mo LEFT JOIN done d ON d.month = mo.month
 ORDER BY mo.month
"""
