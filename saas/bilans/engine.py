"""Computes the figures of a scope and a period (``saas.bilans.sql``), as plain data a snapshot
keeps as it is: ``{"totaux": {...}, "tables": {code: [rows]}, "regles": [...]}``.

Hours are ``Decimal`` (2 decimals), counts ``int``; a row is ``{"key", "label", measures...}``.
The labels of closed lists are read here, on the few rows the database returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from sqlalchemy import text

from saas import formats
from saas.bilans import listings, national, sql
from saas.bilans.indicators import BREAKDOWNS
from saas.bilans.periods import Period
from saas.bilans.scopes import Scope
from saas.db import db
from saas.marches.enums import Consideration
from saas.marches.obligation import completion_rate
from saas.parcours.enums import FollowUpKind, Modality
from saas.partenaires.enums import BuyerKind, OrganisationKind, PrescriberKind
from saas.participants.enums import Sex
from saas.referentiels.enums import ContractFamily, ExitCategory
from tenants.context import require_tenant_id

UNKNOWN = "Non renseigné"

AGE_BANDS = {
    "moins_26": "Moins de 26 ans",
    "26_49": "26 à 49 ans",
    "50_plus": "50 ans et plus",
    "inconnu": UNKNOWN,
}
PRIORITY = {
    "niveau_1": "Au moins un critère de niveau 1",
    "niveau_2": "Critères de niveau 2 seulement",
    "critere_clause": "Critères propres à la clause seulement",
    "sans_critere": "Sans critère validé (dérogation)",
}
QPV = {"true": "Résident d'un QPV", "false": "Hors QPV"}
DURATIONS = {
    "moins_1_mois": "Moins d'un mois",
    "1_3_mois": "1 à moins de 3 mois",
    "3_6_mois": "3 à moins de 6 mois",
    "6_12_mois": "6 à moins de 12 mois",
    "12_mois_plus": "12 mois et plus",
    "sans_terme": "Sans terme (CDI)",
    "inconnue": "Contrat à terme sans date de fin saisie",
}
SITUATION: dict[str, str] = {
    **{str(k): v for k, v in ExitCategory.labels().items()},
    "inconnue": "Pas encore connue",
}

#: labels of the keys of each table whose labels the database does not hold
_LABELS: dict[str, Callable[[str], str | None]] = {
    "famille_contrat": ContractFamily.label_of,
    "modalite": Modality.label_of,
    "sexe": lambda key: Sex.label_of(key, UNKNOWN),
    "age": AGE_BANDS.get,
    "qpv": QPV.get,
    "sortie": ExitCategory.label_of,
    "situation_6_mois": SITUATION.get,
    "publics_prioritaires": PRIORITY.get,
    "suivis": lambda key: FollowUpKind.label_of(key, "Nature non précisée"),
    "type_prescripteur": lambda key: PrescriberKind.label_of(key, UNKNOWN),
    "duree_contrat": DURATIONS.get,
    "type_acheteur": lambda key: BuyerKind.label_of(key, UNKNOWN),
    "fondement": lambda key: Consideration.label_of(key, "Sans considération sociale renseignée"),
    "structures": OrganisationKind.label_of,
    "entreprises": OrganisationKind.label_of,
}
#: the order of the rows of each table: by the key's rank in its list, else by hours
_ORDERED: dict[str, list[str]] = {
    "famille_contrat": list(ContractFamily),
    "modalite": list(Modality),
    "sexe": [*map(str, Sex), ""],
    "age": list(AGE_BANDS),
    "qpv": list(QPV),
    "sortie": list(ExitCategory),
    "situation_6_mois": list(SITUATION),
    "publics_prioritaires": list(PRIORITY),
    "suivis": [*map(str, FollowUpKind), ""],
    "type_prescripteur": [*map(str, PrescriberKind), ""],
    "duree_contrat": list(DURATIONS),
    "type_acheteur": [*map(str, BuyerKind), ""],
    "fondement": [*map(str, Consideration), ""],
    "structures": list(map(str, OrganisationKind)),
    "entreprises": list(map(str, OrganisationKind)),
}
#: the tables of exits: their people are those who left in the period
_EXITS = sql.EXIT_TABLES


#: hours moved between lots are read from the lots of the scope (``received``) and from its
#: missions (``given``): neither for a scope of missions, the lots alone for the territory
_NO_MOVES = {"received": "false", "given": "false"}


def conditions(scope: Scope) -> dict[str, str]:
    """The SQL conditions of the scope on missions ``m``, hours (``h``: ``mission_hour_totals``,
    by mission, month and lot) and lots ``l``."""
    if scope.missions is not None:
        of_mission = f"EXISTS (SELECT 1 FROM missions m WHERE m.tenant_id = h.tenant_id AND m.id = h.mission_id AND {scope.missions})"
        return {"missions": scope.missions, "allocations": of_mission, "lots": "false", **_NO_MOVES}
    if scope.lots is None:
        return {
            "missions": "true",
            "allocations": "true",
            "lots": sql.TERRITORY_LOTS,
            **_NO_MOVES,
            "received": "true",
        }
    return {
        "missions": "m.lot_id = ANY(:scope_lots)",
        "allocations": "h.lot_id = ANY(:scope_lots)",
        "lots": "l.id = ANY(:scope_lots)",
        "received": "h.lot_id = ANY(:scope_lots)",
        "given": "m.lot_id = ANY(:scope_lots)",
    }


def parameters(scope: Scope, period: Period) -> dict:
    return {
        "t": require_tenant_id(),
        "start": period.start,
        "end": period.end,
        "first_month": period.first_month,
        "last_month": period.last_month,
        **scope.params(),
    }


def _run(statement: str, scope: Scope, period: Period) -> list[dict]:
    rendered = statement.format(**conditions(scope))
    return [dict(row) for row in db.session.execute(text(rendered), parameters(scope, period)).mappings()]


def _label(table: str, key: str | None, label: str | None) -> str:
    if label:
        return label
    describe = _LABELS.get(table)
    found = describe(key) if describe and key is not None else None
    return found or (UNKNOWN if not key or key == "0" else key)


def _row(table: str, row: dict, measures: tuple[str, ...]) -> dict:
    values = {measure: row[measure] for measure in measures}
    if table in _EXITS:
        values["personnes"] = row["personnes_sorties"]
    return {"key": row["key"], "label": _label(table, row["key"], row.get("label")), **values}


def _sorted(table: str, rows: list[dict]) -> list[dict]:
    order = _ORDERED.get(table)
    if order is not None:
        rank = {str(key): position for position, key in enumerate(order)}
        return sorted(rows, key=lambda row: (rank.get(row["key"] or "", len(rank)), row["label"]))
    if rows and "rank" in rows[0]:
        return sorted(rows, key=lambda row: (row.pop("rank") or 0, row["label"]))
    return sorted(rows, key=lambda row: (-row.get("heures", 0), row["label"]))


def _figures(
    scope: Scope, period: Period, tables: dict, wanted: frozenset[str] | None
) -> tuple[dict, list[dict]]:
    """The totals of the missions, the tables of ``sql.GROUPED`` and of the criteria at entry
    (those of ``wanted``, or all), the counting-rule versions and, for a scope of missions, the
    months, from one statement."""
    totals: dict = {}
    rules: list[dict] = []
    months: dict[str, dict] = {}
    for row in _run(sql.figures_sql(wanted, by_month=not scope.by_lots), scope, period):
        table = row["breakdown"]
        if table == "mois":
            months[row["key"]] = row
        elif table == "total":
            totals = {key: row[key] for key in ("personnes", "contrats", "heures", "sorties")}
        elif table == "regles":
            rules.append({"marche": row["key"] or None, "version": row["rank"]})
        elif not (table in _EXITS and row["key"] is None):
            entry = _row(table, row, BREAKDOWNS[table].measures)
            tables.setdefault(table, []).append(
                {**entry, "rank": row["rank"]} if table == "statut" else entry
            )
    rules.sort(key=lambda rule: (rule["marche"] or "", rule["version"]))
    if not scope.by_lots:
        tables["mois"] = _months_of_missions(period, months)
    return totals, rules


def _lots(scope: Scope, period: Period, tables: dict) -> dict:
    """The lots and marchés of a scope of lots, and their totals (obligation, cumulated hours)."""
    if not scope.by_lots:
        return {}
    totals: dict = {}
    rows = sorted(
        _run(sql.LOTS, scope, period), key=lambda row: (row["marche_label"] or "", row["sort_label"] or "")
    )
    for row in rows:
        table = row.pop("breakdown")
        values = {key: row[key] for key in ("obligation", "heures", "heures_brutes", "heures_cumulees")}
        if table == "total":
            totals = values
        else:
            tables.setdefault(table, []).append({"key": row["key"], "label": row["label"], **values})
    return totals


def _month_row(month: date, heures: Decimal, heures_brutes: Decimal, attendu: Decimal | None) -> dict:
    return {
        "key": month.isoformat(),
        "label": formats.month(month),
        "heures": heures,
        "heures_brutes": heures_brutes,
        "attendu": attendu,
    }


def _months_of_lots(scope: Scope, period: Period, tables: dict) -> None:
    """Month by month, the hours of the scope's lots and the hours expected at a steady pace."""
    tables["mois"] = [
        _month_row(row["month"], row["heures"], row["heures_brutes"], row["attendu"])
        for row in _run(sql.MONTHS_OF_LOTS, scope, period)
    ]


def _months_of_missions(period: Period, found: dict[str, dict]) -> list[dict]:
    """Every month of the period, with the hours the figures' statement found (none: 0)."""
    rows = []
    for key in listings.month_keys(period.first_month, period.last_month):
        month = date.fromisoformat(f"{key}-01")
        row = found.get(month.isoformat(), {})
        rows.append(
            _month_row(month, row.get("heures", Decimal(0)), row.get("heures_brutes", Decimal(0)), None)
        )
    return rows


def _mutualisation(scope: Scope, period: Period, tables: dict, totals: dict) -> None:
    """The hours moved between lots, and those the scope received from or gave outside it."""
    rows = _run(listings.MUTUALISATION, scope, period)
    received = sum((r["heures"] for r in rows if r["into_scope"] and not r["from_scope"]), Decimal(0))
    given = sum((r["heures"] for r in rows if r["from_scope"] and not r["into_scope"]), Decimal(0))
    tables["mutualisation"] = [{"key": r["key"], "label": r["label"], "heures": r["heures"]} for r in rows]
    totals.update(heures_recues=received, heures_cedees=given)


def _consolidation(scope: Scope, period: Period) -> list[dict]:
    """One row per person, employer and lot, a column per month of the period (``m2026-01``)."""
    months = listings.month_keys(period.first_month, period.last_month)
    return [
        {
            "key": row["key"],
            "label": row["label"],
            "employeur": row["employeur"],
            "lot": row["lot"],
            **{f"m{key}": Decimal(row["months"].get(key, "0")) for key in months},
            "heures": row["heures"],
        }
        for row in _run(listings.CONSOLIDATION, scope, period)
    ]


def _counted(table: str, statement: str, scope: Scope, period: Period) -> list[dict]:
    """A table of counts keyed by a closed list (follow-ups by kind, exits by motif)."""
    measures = BREAKDOWNS[table].measures
    return _sorted(table, [_row(table, row, measures) for row in _run(statement, scope, period)])


#: the tables computed only when the bilan shows them
_LISTINGS: dict[str, Callable[[Scope, Period], list[dict]]] = {
    "consolidation": _consolidation,
    "parcours": lambda scope, period: _run(listings.PARCOURS, scope, period),
    "suivis": lambda scope, period: _counted("suivis", listings.SUIVIS, scope, period),
    "motif_sortie": lambda scope, period: _counted("motif_sortie", listings.MOTIFS, scope, period),
}


#: the tables of the national collection that count marchés (``national.NATIONAL``)
_MARCHES_TABLES = ("type_acheteur", "secteur_marche", "fondement")
_MARCHES_MEASURES = BREAKDOWNS["type_acheteur"].measures


def _marches(rows: list[dict], tables: dict, totals: dict) -> None:
    """Donneurs d'ordre by kind of buyer, marchés by sector and by legal basis, and their counts
    in all (operations, marchés, lots)."""
    for table in _MARCHES_TABLES:
        tables[table] = []
    for row in rows:
        table = row["breakdown"]
        values = {measure: row[measure] for measure in _MARCHES_MEASURES}
        if table == "total":
            totals.update(
                {measure: values[measure] for measure in ("donneurs_ordre", "operations", "marches")}
            )
        elif table in _MARCHES_TABLES:
            tables[table].append(
                {"key": row["key"], "label": _label(table, row["key"], row["label"]), **values}
            )
    for table in _MARCHES_TABLES:
        tables[table] = _sorted(table, tables[table])


def _companies(counted: dict[str, dict], tables: dict) -> list[dict]:
    """The lot holders and the employers by kind, with the contracts and hours of the employers'
    missions (the grouping ``type_employeur`` of the figures)."""
    worked = {row["key"]: row for row in tables.pop("type_employeur", [])}
    rows = []
    for key in counted.keys() | worked.keys():
        found, done = counted.get(key, {}), worked.get(key, {})
        rows.append(
            {
                "key": key,
                "label": _label("entreprises", key, None),
                "attributaires": found.get("attributaires", 0),
                "employeurs": found.get("employeurs", 0),
                "contrats": done.get("contrats", 0),
                "heures": done.get("heures", Decimal(0)),
            }
        )
    return _sorted("entreprises", rows)


def _national(scope: Scope, period: Period, tables: dict, totals: dict, wanted: frozenset[str]) -> None:
    """The tables of the national collection, from one statement (``national.NATIONAL``)."""
    if not wanted & {*_MARCHES_TABLES, "entreprises", "structures"}:
        return
    rows = _run(national.NATIONAL, scope, period)
    if scope.by_lots and wanted & set(_MARCHES_TABLES):
        _marches(rows, tables, totals)
    if "entreprises" in wanted:
        counted = {row["key"]: row for row in rows if row["breakdown"] == "entreprises"}
        tables["entreprises"] = _companies(counted, tables)
    if "structures" in wanted:
        measures = BREAKDOWNS["structures"].measures
        found = [_row("structures", row, measures) for row in rows if row["breakdown"] == "structures"]
        tables["structures"] = _sorted("structures", found)


#: a bilan's statements are planned for their own scope and period each time: psycopg prepares a
#: statement run five times on a connection, and PostgreSQL's generic plan of it (a tenant, lots
#: and months it does not know) reads twice to three times as long (``bench/bilans.py``)
_CUSTOM_PLANS = "SET LOCAL plan_cache_mode = force_custom_plan"
_DEFAULT_PLANS = "SET LOCAL plan_cache_mode = DEFAULT"


@contextmanager
def custom_plans() -> Iterator[None]:
    """The statements of the block are planned for their own values (on an error, the rollback
    undoes the setting)."""
    db.session.execute(text(_CUSTOM_PLANS))
    yield
    db.session.execute(text(_DEFAULT_PLANS))


def compute(scope: Scope, period: Period, wanted: frozenset[str] | None = None) -> dict:
    """Every figure of ``scope`` over ``period``: the totals, the rule versions, and the tables of
    ``wanted`` (without it: every table that counts people, contracts and hours, none that lists)."""
    with custom_plans():
        return _compute(scope, period, wanted)


def _compute(scope: Scope, period: Period, wanted: frozenset[str] | None) -> dict:
    tables: dict[str, list[dict]] = {}
    grouped = None if wanted is None else wanted | ({"type_employeur"} if "entreprises" in wanted else set())
    totals, rules = _figures(scope, period, tables, grouped)
    lots = _lots(scope, period, tables)
    if scope.by_lots:
        _months_of_lots(scope, period, tables)
    totals = {"personnes": 0, "contrats": 0, "heures": Decimal(0), "sorties": 0, **totals}
    totals["heures_brutes"] = sum((row["heures_brutes"] for row in tables["mois"]), Decimal(0))
    qpv = next((row["heures"] for row in tables.get("qpv", []) if row["key"] == "true"), Decimal(0))
    totals.update(heures_qpv=qpv, part_qpv=completion_rate(qpv, totals["heures"]))
    if lots:
        totals.update(
            obligation=lots["obligation"],
            heures_cumulees=lots["heures_cumulees"],
            taux=completion_rate(lots["heures_cumulees"], lots["obligation"]),
        )
    wanted = wanted or frozenset()
    if scope.by_lots and "mutualisation" in wanted:
        _mutualisation(scope, period, tables, totals)
    for table, rows in tables.items():
        if table not in ("mois", "lot", "marche", "mutualisation"):
            tables[table] = _sorted(table, rows)
    for table in wanted & _LISTINGS.keys():
        tables[table] = _LISTINGS[table](scope, period)
    _national(scope, period, tables, totals, wanted)
    return {"totaux": totals, "tables": tables, "regles": rules}
