"""The indicators of the bilans against counts made by hand on a small territory, the
reconciliation of the scopes with each other and with the ledger, and saved bilans that read the
same after a correction.

The territory (``tests.builders.clause_world``): lot 0 (donneur d'ordre 0, marché M-0, 1 000 h
due) and lot 1 (donneur d'ordre 1, marché M-1, 3 000 h due), one employer; from 1 June 2025 a
mutualisation shares counted hours between the two lots pro rata of their obligations (1/4, 3/4).

- Martin, woman born 1990 (34 at entry), RSA (level 1): CDD on lot 0 from 6 January 2025;
  February 100 h, March 80 h corrected to 70 h, July 40 h (mutualised: 10 h to lot 0, 30 h to lot 1).
- Durand, man born 2003 (21 at entry), young under 26 (level 2): CDI on lot 1 from 6 January 2025;
  February 120 h; exit on 30 September 2025, hired on a CDI (lasting job).
- Petit, born 1970, RSA: CDD on lot 0 from March to June 2024; April 2024 50 h (another year).

In 2025, by hand: 2 people, 2 contracts, 330 h counted (lot 0: 100 + 70 + 10 = 180; lot 1:
30 + 120 = 150); Martin's contract 210 h (CDD), Durand's 120 h (CDI); one exit.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select, text

from saas.bilans import api as bilans
from saas.bilans import engine, presentation, scopes
from saas.bilans.periods import Period
from saas.db import db
from saas.heures import api as heures
from saas.heures.models import Allocation, Counting, Releve
from saas.marches import api as marches
from saas.marches.models import Marche
from saas.parcours import api as parcours
from saas.parcours.models import Mission
from saas.partenaires import api as partenaires
from saas.participants import api as participants
from saas.participants.models import Participant
from saas.referentiels import api as referentiels
from tests.builders import built_world, in_world, place
from tests.fixtures import ACTOR

YEAR = Period.of("annee", 2025)


def _person(name: str, born: date, sex: str | None, criterion: tuple[str, str], validated_on: date) -> int:
    participant = participants.create(ACTOR, name, "Camille", birth_date=born, sex=sex)
    participants.validate_eligibility(ACTOR, participant, [criterion], validated_on)
    return participant.id


def _counted(mission_id: int, month: date, hours) -> Releve:
    statement = heures.declare(ACTOR, mission_id, month, D(hours))
    heures.validate(ACTOR, statement)
    return statement


def _territory(world) -> dict:
    lot0, lot1 = world.lots
    heures.create_agreement(
        ACTOR, "Mutualisation", date(2025, 6, 1), None, "pro_rata", [(lot0, None), (lot1, None)]
    )
    martin = _person(
        "Martin", date(1990, 5, 4), "F", ("beneficiaire_rsa", "attestation_caf"), date(2025, 1, 2)
    )
    durand = _person(
        "Durand", date(2003, 3, 1), "M", ("jeune_moins_26_ans", "piece_identite"), date(2025, 1, 2)
    )
    petit = _person(
        "Petit", date(1970, 1, 1), None, ("beneficiaire_rsa", "attestation_caf"), date(2024, 2, 1)
    )
    m1 = place(world, martin, lot0, "cdd")
    m2 = place(world, durand, lot1, "cdi")
    m3 = place(world, petit, lot0, "cdd", start_date=date(2024, 3, 4), end_date=date(2024, 6, 30))
    _counted(m1, date(2025, 2, 1), 100)
    march = _counted(m1, date(2025, 3, 1), 80)
    heures.validate(ACTOR, heures.correct(ACTOR, march, D(70)))
    _counted(m1, date(2025, 7, 1), 40)
    _counted(m2, date(2025, 2, 1), 120)
    _counted(m3, date(2024, 4, 1), 50)
    parcours.record_exit(
        ACTOR, db.session.get(Mission, (world.tenant_id, m2)), date(2025, 9, 30), "cdi_non_aide"
    )
    db.session.flush()
    return {"martin": m1, "durand": m2, "petit": m3}


@pytest.fixture
def world(app):
    world = built_world(app, "bilans")
    with in_world(app, world):
        world.ids = _territory(world)
        db.session.commit()
    with in_world(app, world):
        yield world


def _figures(kind: str = "territoire", key=None, period: Period = YEAR) -> dict:
    return engine.compute(scopes.resolve(kind, key), period)


def _table(figures: dict, table: str) -> dict[str, dict]:
    return {row["key"]: row for row in figures["tables"][table]}


def test_the_totals_of_a_territory_year_are_those_counted_by_hand(world):
    totals = _figures()["totaux"]
    assert (totals["personnes"], totals["contrats"], totals["sorties"]) == (2, 2, 1)
    assert (totals["heures"], totals["heures_brutes"]) == (D(330), D(330))
    # the lots of the marchés under way: 4 000 h due; 180 + 150 counted, and Petit's 50 h of 2024
    assert (totals["obligation"], totals["heures_cumulees"]) == (D(4000), D(380))
    assert totals["taux"] == D("0.0950")


def test_contracts_and_hours_by_contract_type_sex_and_age_at_entry(world):
    figures = _figures()
    contracts = _table(figures, "type_contrat")
    assert {key: (row["personnes"], row["contrats"], row["heures"]) for key, row in contracts.items()} == {
        "cdd": (1, 1, D(210)),
        "cdi": (1, 1, D(120)),
    }
    assert contracts["cdd"]["label"] == "Contrat à durée déterminée (CDD)"
    sexes = _table(figures, "sexe")
    assert {key: (row["label"], row["personnes"], row["heures"]) for key, row in sexes.items()} == {
        "F": ("Femme", 1, D(210)),
        "M": ("Homme", 1, D(120)),
    }
    ages = _table(figures, "age")
    assert {key: row["personnes"] for key, row in ages.items()} == {"26_49": 1, "moins_26": 1}
    assert _table(figures, "famille_contrat")["classique"]["contrats"] == 2


def test_status_at_entry_priority_publics_and_exits(world):
    figures = _figures()
    status = _table(figures, "statut")
    assert {key: (row["personnes"], row["heures"]) for key, row in status.items()} == {
        "beneficiaire_rsa": (1, D(210)),
        "jeune_moins_26_ans": (1, D(120)),
    }
    priority = _table(figures, "publics_prioritaires")
    assert {key: row["personnes"] for key, row in priority.items()} == {"niveau_1": 1, "niveau_2": 1}
    exits = _table(figures, "sortie")
    assert {key: (row["label"], row["sorties"]) for key, row in exits.items()} == {
        "emploi_durable": ("Emploi durable", 1)
    }
    assert _table(figures, "situation_6_mois")["inconnue"]["sorties"] == 1


def test_hours_by_month_and_the_expected_pace(world):
    months = {row["key"]: row for row in _figures()["tables"]["mois"]}
    assert len(months) == 12
    assert months["2025-02-01"]["heures"] == D(220)
    assert months["2025-03-01"]["heures"] == D(70)  # the correction, not the first 80 h
    assert months["2025-07-01"]["heures"] == D(40)
    # 4 000 h over the 730 days of the marchés: 31 days of January
    assert months["2025-01-01"]["attendu"] == (D(4000) * 31 / 730).quantize(D("0.01"))


def test_a_lot_counts_the_hours_mutualised_to_it_and_the_people_placed_on_it(world):
    lot0, lot1 = world.lots
    first = _figures("lot", lot0)
    assert (first["totaux"]["personnes"], first["totaux"]["heures"]) == (1, D(180))
    second = _figures("lot", lot1)
    assert (second["totaux"]["personnes"], second["totaux"]["heures"]) == (1, D(150))
    by_contract = _table(second, "type_contrat")
    # Martin's 30 h mutualised to lot 1 count there, but Martin was not placed on it
    assert (
        by_contract["cdd"]["personnes"],
        by_contract["cdd"]["contrats"],
        by_contract["cdd"]["heures"],
    ) == (
        0,
        0,
        D(30),
    )
    assert first["totaux"]["heures_cumulees"] == D(230)  # with Petit's 50 h of 2024


def test_reconciliation_lots_marches_donneurs_d_ordre_territory_and_ledger(world):
    territory = _figures()
    lots = [_figures("lot", lot)["totaux"]["heures"] for lot in world.lots]
    marches = [_figures("marche", marche)["totaux"]["heures"] for marche in world.marches]
    buyers = [_figures("donneur_ordre", buyer)["totaux"]["heures"] for buyer in world.buyers]
    assert lots == marches == buyers
    assert sum(lots) == territory["totaux"]["heures"]
    # each table adds up to the total it breaks down
    for table in ("type_contrat", "modalite", "employeur", "sexe", "age", "qpv", "niveau", "secteur"):
        assert sum(row["heures"] for row in territory["tables"][table]) == territory["totaux"]["heures"], (
            table
        )
    by_lot = {row["key"]: row["heures"] for row in territory["tables"]["lot"]}
    assert by_lot == {str(world.lots[0]): D(180), str(world.lots[1]): D(150)}
    ledger = db.session.scalar(
        select(func.sum(Allocation.hours))
        .join(
            Counting, (Counting.tenant_id == Allocation.tenant_id) & (Counting.id == Allocation.counting_id)
        )
        .join(Releve, (Releve.tenant_id == Counting.tenant_id) & (Releve.id == Counting.statement_id))
        .where(Releve.month.between(date(2025, 1, 1), date(2025, 12, 1)))
    )
    assert ledger == territory["totaux"]["heures"]


def test_an_employer_scope_counts_its_missions_hours_on_every_lot(world):
    figures = _figures("employeur", world.employer_id)
    assert (figures["totaux"]["personnes"], figures["totaux"]["heures"]) == (2, D(330))
    assert "obligation" not in figures["totaux"]
    assert _figures("employeur", world.employer_id, Period.of("annee", 2024))["totaux"]["heures"] == D(50)
    # month by month, every month of the year, without an expected pace (no lot in the scope)
    months = {
        row["key"]: (row["heures"], row["heures_brutes"], row["attendu"]) for row in figures["tables"]["mois"]
    }
    assert len(months) == 12 and months["2025-01-01"] == (D(0), D(0), None)
    assert (months["2025-02-01"], months["2025-03-01"], months["2025-07-01"]) == (
        (D(220), D(220), None),
        (D(70), D(70), None),  # the correction, not the first 80 h
        (D(40), D(40), None),
    )
    assert figures["totaux"]["heures_brutes"] == D(330)


def test_a_scope_of_another_kind_or_tenant_is_refused(world, app):
    with pytest.raises(scopes.ScopeNotFound):
        scopes.resolve("donneur_ordre", world.employer_id)  # an employer is not a donneur d'ordre
    with pytest.raises(scopes.ScopeNotFound):
        scopes.resolve("lot", "x")
    with pytest.raises(bilans.ValidationError) as refused:
        bilans.produce("execution", "employeur", world.employer_id, YEAR, ACTOR)
    assert refused.value.field == "scope"


def test_a_saved_bilan_reads_the_same_after_a_correction_and_says_what_changed(world):
    saved = bilans.produce("annuel", "territoire", None, YEAR, ACTOR)
    db.session.commit()
    assert saved.figures["totaux"]["heures"] == "330.00"
    assert saved.rule_versions == [{"marche": None, "version": 1}]
    february = db.session.scalars(
        select(Releve).where(Releve.mission_id == world.ids["durand"], Releve.superseded_at.is_(None))
    ).one()
    heures.validate(ACTOR, heures.correct(ACTOR, february, D(110)))
    db.session.commit()
    db.session.expire_all()
    assert bilans.get(saved.id).figures["totaux"]["heures"] == "330.00"
    changed = {(c.table, c.row, c.measure): (c.saved, c.now) for c in bilans.changes(bilans.get(saved.id))}
    assert changed[("totaux", "", "heures")] == ("330.00", "320.00")
    assert changed[("type_contrat", "Contrat à durée indéterminée (CDI)", "heures")] == ("120.00", "110.00")
    again = bilans.produce_again(bilans.get(saved.id), ACTOR)
    assert again.id != saved.id and again.figures["totaux"]["heures"] == "320.00"
    assert bilans.changes(again) == []


def _listed(kind: str, scope_kind: str, key=None) -> dict:
    """The figures a bilan of ``kind`` saves (only its layout's tables, listings included)."""
    return bilans.compute(kind, scopes.resolve(scope_kind, key), YEAR)


def test_mutualised_hours_are_counted_once_where_they_are_allocated_and_said_received_and_given(world):
    lot0, lot1 = world.lots
    # July: Martin's 40 h on lot 0, shared 1/4 - 3/4: 30 h go to lot 1
    territory = _listed("execution", "territoire")
    moved = territory["tables"]["mutualisation"]
    assert [(row["key"], row["heures"]) for row in moved] == [(f"{lot0}-{lot1}", "30.00")]
    assert moved[0]["label"].startswith("De Lot ") and " vers Lot " in moved[0]["label"]
    # inside the territory nothing is received or given: the 30 h count once in its 330 h
    assert (territory["totaux"]["heures_recues"], territory["totaux"]["heures_cedees"]) == ("0", "0")
    assert territory["totaux"]["heures"] == "330.00"
    giver, taker = _listed("execution", "lot", lot0), _listed("execution", "lot", lot1)
    assert (giver["totaux"]["heures_cedees"], giver["totaux"]["heures_recues"]) == ("30.00", "0")
    assert (taker["totaux"]["heures_recues"], taker["totaux"]["heures_cedees"]) == ("30.00", "0")
    buyer = _listed("execution", "donneur_ordre", world.buyers[1])
    assert buyer["totaux"]["heures_recues"] == "30.00" and buyer["totaux"]["heures"] == "150.00"


def test_the_consolidation_table_lists_people_by_reference_employer_lot_and_month(world):
    lot0, lot1 = world.lots
    martin = db.session.get(Mission, (world.tenant_id, world.ids["martin"]))
    durand = db.session.get(Mission, (world.tenant_id, world.ids["durand"]))
    rows = _listed("consolidation", "territoire")["tables"]["consolidation"]
    found = {row["key"]: row for row in rows}
    employer = world.employer_id
    assert set(found) == {
        f"{martin.participant_id}-{employer}-{lot0}",
        f"{martin.participant_id}-{employer}-{lot1}",
        f"{durand.participant_id}-{employer}-{lot1}",
    }
    on_lot0 = found[f"{martin.participant_id}-{employer}-{lot0}"]
    assert (on_lot0["m2025-02"], on_lot0["m2025-03"], on_lot0["m2025-07"]) == ("100.00", "70.00", "10.00")
    assert on_lot0["m2025-01"] == "0" and on_lot0["heures"] == "180.00"
    assert found[f"{martin.participant_id}-{employer}-{lot1}"]["heures"] == "30.00"
    assert on_lot0["employeur"] == "Bâtisseurs SA" and on_lot0["lot"].startswith("Lot ")
    references = {
        db.session.get(Participant, (world.tenant_id, p)).reference
        for p in (martin.participant_id, durand.participant_id)
    }
    assert {row["label"] for row in rows} == references  # by reference, never by name
    assert not any("Martin" in str(value) or "Durand" in str(value) for row in rows for value in row.values())
    assert sum(D(row["heures"]) for row in rows) == D(330)


def test_the_parcours_table_of_a_structure_lists_its_missions_of_the_period(world):
    figures = _listed("parcours", "employeur", world.employer_id)
    rows = {row["key"]: row for row in figures["tables"]["parcours"]}
    assert set(rows) == {str(world.ids["martin"]), str(world.ids["durand"])}  # Petit's mission was in 2024
    durand = rows[str(world.ids["durand"])]
    assert (durand["contrat"], durand["debut"], durand["sortie_le"]) == (
        "Contrat à durée indéterminée (CDI)",
        "2025-01-06",
        "2025-09-30",
    )
    assert (durand["motif"], durand["heures"]) == ("Embauche en CDI non aidé", "120.00")
    assert rows[str(world.ids["martin"])]["heures"] == "210.00"  # on both lots
    motifs = {row["key"]: (row["personnes"], row["sorties"]) for row in figures["tables"]["motif_sortie"]}
    assert motifs == {"cdi_non_aide": (1, 1)}


def test_the_evaluation_of_an_accompaniment_partner_covers_only_the_people_it_follows(world):
    partner = partenaires.create(ACTOR, "Mission Locale", "prescripteur", prescriber_kind="mission_locale")
    martin = db.session.get(Mission, (world.tenant_id, world.ids["martin"]))
    participants.update(
        ACTOR,
        db.session.get(Participant, (world.tenant_id, martin.participant_id)),
        referent_organisation_id=partner.id,
    )
    visit = next(f for f in parcours.follow_ups_of(martin.id) if f.step == "premier_jour")
    parcours.record_follow_up(ACTOR, visit, date(2025, 1, 6), "visite")
    db.session.flush()
    figures = _listed("evaluation", "accompagnement", partner.id)
    assert (figures["totaux"]["personnes"], figures["totaux"]["heures"]) == (1, "210.00")
    assert {row["key"]: (row["suivis"], row["personnes"]) for row in figures["tables"]["suivis"]} == {
        "visite": (1, 1)
    }
    assert [row["label"] for row in figures["tables"]["suivis"]] == ["Visite sur site"]
    assert {row["key"] for row in figures["tables"]["sexe"]} == {"F"}
    assert sum(D(row["heures"]) for row in figures["tables"]["consolidation"]) == D(210)
    assert figures["tables"]["sortie"] == []  # Durand's exit is not the partner's


@pytest.fixture
def a_qpv(app, _engines, tmp_path):
    """A quartier prioritaire (the shipped list is empty: the admin imports the official one),
    written on a connection of its own and removed after the test."""
    source = tmp_path / "qpv.csv"
    source.write_text("code_qp;lib_qp;insee_com\nQTEST51;Quartier d'essai;93066\n", encoding="utf-8")
    with app.app_context():
        referentiels.import_qpv(source)
    yield "QTEST51"
    with _engines["superuser"].begin() as conn:
        conn.execute(text("DELETE FROM ref_qpv WHERE code = 'QTEST51'"))


def test_the_qpv_share_of_hours_and_the_anru_targets(a_qpv, world):  # the QPV outlives the world
    lot0 = world.lots[0]
    figures = _listed("execution", "lot", lot0)
    assert (figures["totaux"]["heures_qpv"], figures["totaux"]["part_qpv"]) == ("0", "0.0000")
    saved = bilans.produce("execution", "lot", lot0, YEAR, ACTOR)
    targets = {label: verdict for label, verdict, _ in presentation.anru(saved)}
    # 180 h on lot 0, none of a QPV resident: 9 h short of 5 %, 18 h of 10 %
    assert targets == {
        "Objectif ANRU de 5 %": "non atteint : il manque 9 h",
        "Objectif ANRU de 10 %": "non atteint : il manque 18 h",
    }
    # Durand (120 h on lot 1 of its 150 h) lives in a QPV: 80 %
    durand = db.session.get(Mission, (world.tenant_id, world.ids["durand"]))
    person = db.session.get(Participant, (world.tenant_id, durand.participant_id))
    participants.update(ACTOR, person, commune_insee="93066", qpv_code=a_qpv)
    db.session.flush()
    on_lot1 = bilans.produce("execution", "lot", world.lots[1], YEAR, ACTOR)
    assert (on_lot1.figures["totaux"]["heures_qpv"], on_lot1.figures["totaux"]["part_qpv"]) == (
        "120.00",
        "0.8000",
    )
    assert {verdict for _, verdict, _ in presentation.anru(on_lot1)} == {"atteint"}
    assert presentation.anru(bilans.produce("annuel", "lot", lot0, YEAR, ACTOR)) == []  # execution only


def _national_world(world) -> None:
    """Donneur 0 a commune, donneur 1 a bailleur social; both marchés one operation; M-0 in the
    building trade, M-1 also reserved to SIAE; Martin prescribed by a Mission Locale in 2025."""
    for buyer, kind in zip(world.buyers, ("commune", "bailleur_social"), strict=True):
        partenaires.update(ACTOR, partenaires.get(buyer), buyer_kind=kind)
    m0, m1 = (db.session.get(Marche, (world.tenant_id, marche)) for marche in world.marches)
    marches.update_marche(ACTOR, m0, {"operation": "Quartier des Brizeaux", "sector": "batiment_gros_oeuvre"})
    marches.update_marche(
        ACTOR,
        m1,
        {
            "operation": " quartier des brizeaux",
            "considerations": ["clause_execution", "marche_reserve_siae"],
        },
    )
    prescriber = partenaires.create(ACTOR, "Mission Locale", "prescripteur", prescriber_kind="mission_locale")
    martin = db.session.get(Mission, (world.tenant_id, world.ids["martin"]))
    person = db.session.get(Participant, (world.tenant_id, martin.participant_id))
    participants.add_prescription(ACTOR, person, prescriber.id, date(2025, 1, 3), None)
    db.session.flush()


def _by_key(figures: dict, table: str, *measures: str) -> dict:
    return {row["key"]: tuple(row[m] for m in measures) for row in figures["tables"][table]}


def test_the_national_collection_counts_buyers_marches_and_structures_by_hand(world):
    _national_world(world)
    figures = _listed("national", "territoire")
    totals = figures["totaux"]
    # two buyers, two marchés, one operation (the same name, whatever its case and spaces)
    assert (totals["donneurs_ordre"], totals["marches"], totals["operations"]) == (2, 2, 1)
    buyers = _by_key(figures, "type_acheteur", "donneurs_ordre", "marches", "obligation", "heures")
    assert buyers == {"commune": (1, 1, "1000.00", "180.00"), "bailleur_social": (1, 1, "3000.00", "150.00")}
    assert sum(D(row["heures"]) for row in figures["tables"]["type_acheteur"]) == D(totals["heures"])
    # M-1 counts under both its legal bases
    bases = _by_key(figures, "fondement", "marches", "lots", "obligation", "heures")
    assert bases == {
        "clause_execution": (2, 2, "4000.00", "330.00"),
        "marche_reserve_siae": (1, 1, "3000.00", "150.00"),
    }
    sectors = {row["label"]: (row["marches"], row["heures"]) for row in figures["tables"]["secteur_marche"]}
    assert sectors == {"Bâtiment : gros œuvre": (1, "180.00"), "Non renseigné": (1, "150.00")}
    # the builder, holder of both lots and employer of both missions, counts once
    structures = _by_key(figures, "structures", "structures")
    assert structures == {"entreprise": (1,), "donneur_ordre": (2,), "prescripteur": (1,)}
    companies = _by_key(figures, "entreprises", "attributaires", "employeurs", "contrats", "heures")
    assert companies == {"entreprise": (1, 1, 2, "330.00")}


def test_the_national_collection_counts_people_by_prescriber_kind_and_contracts_by_duration(world):
    _national_world(world)
    figures = _listed("national", "territoire")
    prescribers = _by_key(figures, "type_prescripteur", "personnes", "heures")
    assert prescribers == {"mission_locale": (1, "210.00"), "": (1, "120.00")}
    # Martin's CDD runs from 6 January to 31 December (6 to 12 months); Durand's CDI has no term
    durations = _by_key(figures, "duree_contrat", "contrats", "heures")
    assert durations == {"6_12_mois": (1, "210.00"), "sans_terme": (1, "120.00")}
    assert [row["label"] for row in figures["tables"]["duree_contrat"]] == [
        "6 à moins de 12 mois",
        "Sans terme (CDI)",
    ]
    assert set(figures["tables"]) == set(bilans.LAYOUTS[bilans.BilanKind.national].tables)
    assert figures["tables"]["sortie"][0]["key"] == "emploi_durable"


def test_a_six_month_contract_counts_as_six_months_its_last_day_included(world):
    person = _person(
        "Moreau", date(1985, 2, 2), "F", ("beneficiaire_rsa", "attestation_caf"), date(2025, 1, 2)
    )
    place(world, person, world.lots[0], "cdd", start_date=date(2025, 1, 6), end_date=date(2025, 7, 5))
    db.session.flush()
    durations = _by_key(_listed("national", "territoire"), "duree_contrat", "contrats")
    # Martin's CDD (6 January to 31 December) and this one (6 January to 5 July): 6 to 12 months
    assert durations == {"6_12_mois": (2,), "sans_terme": (1,)}


def test_a_month_counted_at_no_hour_adds_no_row_to_the_consolidation(world):
    person = _person("Roux", date(1980, 3, 3), "M", ("beneficiaire_rsa", "attestation_caf"), date(2025, 1, 2))
    mission = place(world, person, world.lots[0], "cdd")
    _counted(mission, date(2025, 4, 1), 0)  # a month declared at no hour, validated
    db.session.flush()
    rows = _listed("consolidation", "territoire")["tables"]["consolidation"]
    assert sum(D(row["heures"]) for row in rows) == D(330)
    assert all(D(row["heures"]) != 0 for row in rows), rows  # Roux is not listed at 0 h
