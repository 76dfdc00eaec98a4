"""Marchés and lots through ``saas.marches.api`` on PostgreSQL: the dated hourly cost, the
override order, the obligation stored and recomputed, the checks on organisations, communes and
dates, and the audit of every write."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from saas.audit.models import AuditEntry
from saas.db import db
from saas.errors import ValidationError
from saas.marches import api as marches
from saas.marches import schemas
from saas.marches.models import Lot, Marche
from saas.marches.repository import MarcheFilters
from tenants import api as tenants_api
from tenants import context
from tests.fixtures import ACTOR


@pytest.fixture
def scope(app, two_tenants):
    a, _ = two_tenants
    with app.app_context(), context.scoped(a.tenant_id):
        tenants_api.enter_tenant(a.tenant_id, None)
        yield a
        db.session.rollback()
        db.session.remove()


def _marche(world, **fields) -> Marche:
    data = {
        "donneur_ordre_id": _buyer_id(world),
        "reference": "2025-TRAV-014",
        "object": "Construction d'un gymnase",
        "notification_date": date(2025, 2, 1),
        **fields,
    }
    return marches.create_marche(ACTOR, data)


def _buyer_id(world) -> int:
    return db.session.get(Marche, (world.tenant_id, world.ids["marche_id"])).donneur_ordre_id


FORMULA = {
    "number": "1",
    "object": "Gros œuvre",
    "amount_ht": D("1000000"),
    "obligation_mode": "formula",
    "labour_share": D("0.5"),
    "insertion_rate": D("0.05"),
}


def test_the_fixture_lot_holds_833_hours_and_the_inputs_used(scope):
    lot = db.session.get(Lot, (scope.tenant_id, scope.ids["lot_id"]))
    assert lot.obligation_hours == D(833)
    assert lot.obligation_inputs["hourly_cost"]["source"] == "table"
    assert lot.obligation_inputs["hourly_cost"]["looked_up_on"] == "2025-03-03"


def test_hourly_cost_at_a_date_is_the_latest_valid_from_on_or_before_it(scope):
    marches.add_hourly_cost(ACTOR, date(2025, 1, 1), D("32"))
    assert marches.hourly_cost_at(date(2024, 12, 31)).amount == D("30")
    assert marches.hourly_cost_at(date(2025, 1, 1)).amount == D("32")
    assert marches.hourly_cost_at(date(2030, 6, 1)).amount == D("32")
    with pytest.raises(ValidationError) as refused:
        marches.hourly_cost_at(date(2023, 12, 31))
    assert refused.value.field == "hourly_cost" and "Aucun coût horaire n'est en vigueur le 31/12/2023" in (
        refused.value.message
    )
    with pytest.raises(ValidationError) as twice:
        marches.add_hourly_cost(ACTOR, date(2025, 1, 1), D("33"))
    assert twice.value.field == "valid_from"


def test_the_formula_takes_the_cost_of_the_notification_date(scope):
    marches.add_hourly_cost(ACTOR, date(2025, 1, 1), D("32"))
    before = marches.create_lot(
        ACTOR, _marche(scope, reference="A", notification_date=date(2024, 6, 1)), FORMULA
    )
    after = marches.create_lot(
        ACTOR, _marche(scope, reference="B", notification_date=date(2025, 2, 1)), FORMULA
    )
    started = marches.create_lot(
        ACTOR, _marche(scope, reference="C", notification_date=None, start_date=date(2024, 9, 1)), FORMULA
    )
    assert (before.obligation_hours, after.obligation_hours, started.obligation_hours) == (
        D(833),
        D(781),
        D(833),
    )
    assert after.obligation_inputs["hourly_cost"]["valid_from"] == "2025-01-01"


def test_override_order_lot_then_marche_then_tenant_table_and_lots_follow_their_marche(scope):
    marche = _marche(scope)
    lot = marches.create_lot(ACTOR, marche, FORMULA)
    assert (lot.obligation_hours, lot.obligation_inputs["hourly_cost"]["source"]) == (D(833), "table")
    marches.update_marche(ACTOR, marche, {"hourly_cost_override": D("25")})
    assert (lot.obligation_hours, lot.obligation_inputs["hourly_cost"]["source"]) == (D(1000), "marche")
    marches.update_lot(ACTOR, lot, {"hourly_cost_override": D("20")})
    assert (lot.obligation_hours, lot.obligation_inputs["hourly_cost"]["source"]) == (D(1250), "lot")
    marches.update_lot(ACTOR, lot, {"rounding": "up", "hourly_cost_override": None})
    assert lot.obligation_hours == D(1000)  # back to the marché's 25 EUR


def test_per_amount_obligation_grows_when_an_invoice_is_recorded(scope):
    lot = marches.create_lot(
        ACTOR,
        _marche(scope),
        {
            "number": "2",
            "object": "Voirie",
            "obligation_mode": "per_amount",
            "per_amount_hours": 1,
            "per_amount_base": 2000,
        },
    )
    assert lot.obligation_hours == 0
    marches.record_figure(ACTOR, lot, "invoiced_amount", date(2025, 3, 31), D("100000"))
    assert lot.obligation_hours == D(50)
    marches.record_figure(ACTOR, lot, "invoiced_amount", date(2025, 4, 30), D("21000"))
    assert lot.obligation_hours == D(61)  # 60.5, nearest is half up
    assert (
        lot.obligation_inputs["invoiced_total"] == "121000.00" and lot.obligation_inputs["figures_count"] == 2
    )


def test_percentage_obligation_follows_the_hours_worked(scope):
    lot = marches.create_lot(
        ACTOR,
        _marche(scope),
        {"number": "3", "object": "Nettoyage", "obligation_mode": "percentage", "hours_share": D("0.07")},
    )
    marches.record_figure(ACTOR, lot, "hours_worked", date(2025, 3, 31), D("4000"))
    marches.record_figure(ACTOR, lot, "hours_worked", date(2025, 4, 30), D("6000"))
    marches.record_figure(ACTOR, lot, "invoiced_amount", date(2025, 4, 30), D("99999"))  # not for this mode
    assert lot.obligation_hours == D(700)


def test_fixed_mode_and_inputs_of_other_modes_are_cleared(scope):
    lot = marches.create_lot(
        ACTOR, _marche(scope), {**FORMULA, "obligation_mode": "fixed", "fixed_hours": D("500")}
    )
    assert lot.obligation_hours == D(500)
    assert lot.labour_share is None and lot.insertion_rate is None


@pytest.mark.parametrize(
    ("missing", "words"),
    [
        ("labour_share", "part de main-d'œuvre"),
        ("insertion_rate", "taux d'insertion"),
        ("amount_ht", "montant HT"),
    ],
)
def test_missing_input_of_the_mode_is_rejected_naming_the_field(scope, missing, words):
    data = {key: value for key, value in FORMULA.items() if key != missing}
    with pytest.raises(ValidationError) as refused:
        marches.create_lot(ACTOR, _marche(scope), data)
    assert refused.value.field == missing and words in refused.value.message


def test_share_out_of_range_is_rejected_in_french(scope):
    with pytest.raises(ValidationError) as refused:
        marches.create_lot(ACTOR, _marche(scope), {**FORMULA, "insertion_rate": D("1.5")})
    assert refused.value.field == "insertion_rate" and "100 %" in refused.value.message


def test_donneur_ordre_of_the_wrong_kind_is_rejected(scope):
    with pytest.raises(ValidationError) as refused:
        _marche(scope, donneur_ordre_id=scope.ids["organisation_id"])  # the SIAE
    assert refused.value.field == "donneur_ordre_id"
    assert "« SIAE a » n'est pas un donneur d'ordre" in refused.value.message


def test_attributaire_must_be_a_company_and_subcontractors_too(scope):
    marche = _marche(scope)
    with pytest.raises(ValidationError) as refused:
        marches.create_lot(ACTOR, marche, {**FORMULA, "attributaire_id": marche.donneur_ordre_id})
    assert refused.value.field == "attributaire_id"
    lot = marches.create_lot(ACTOR, marche, {**FORMULA, "attributaire_id": scope.ids["organisation_id"]})
    with pytest.raises(ValidationError) as same:
        marches.add_subcontractor(ACTOR, lot, scope.ids["organisation_id"])
    assert same.value.field == "organisation_id"
    with pytest.raises(ValidationError):
        marches.add_subcontractor(ACTOR, lot, marche.donneur_ordre_id)


def test_subcontractor_added_then_removed(scope):
    lot = db.session.get(Lot, (scope.tenant_id, scope.ids["lot_id"]))
    [(link, organisation)] = marches.subcontractors(lot.id)
    assert organisation.name == "EA a" and link.role == "sous_traitant"
    marches.remove_subcontractor(ACTOR, lot, link.id)
    assert marches.subcontractors(lot.id) == []


def test_execution_communes_are_checked_against_the_reference_table(scope):
    marche = _marche(scope, execution_communes="79191, 93066")
    assert marche.execution_communes == ["79191", "93066"]
    with pytest.raises(ValidationError) as unknown:
        _marche(scope, reference="X", execution_communes=["79191", "99999"])
    assert unknown.value.field == "execution_communes" and "99999" in unknown.value.message
    with pytest.raises(ValidationError) as malformed:
        _marche(scope, reference="Y", execution_communes="7919")
    assert malformed.value.field == "execution_communes"


def test_dates_reference_and_considerations_are_checked(scope):
    with pytest.raises(ValidationError) as dates:
        _marche(scope, start_date=date(2025, 6, 1), end_date=date(2025, 5, 1))
    assert dates.value.field == "end_date"
    with pytest.raises(ValidationError) as before_notification:
        _marche(scope, start_date=date(2025, 1, 1))
    assert before_notification.value.field == "start_date"
    with pytest.raises(ValidationError) as taken:
        _marche(scope, reference="m-a-2025-001")
    assert taken.value.field == "reference"
    with pytest.raises(ValidationError) as consideration:
        _marche(scope, considerations=["clause_magique"])
    assert consideration.value.field == "considerations"
    marche = _marche(
        scope, considerations=["marche_insertion", "clause_execution"], sector="batiment_gros_oeuvre"
    )
    assert marche.considerations == ["clause_execution", "marche_insertion"]
    with pytest.raises(ValidationError) as sector:
        _marche(scope, reference="Z", sector="astronautique")
    assert sector.value.field == "sector"


def test_every_write_is_audited(scope):
    marche = _marche(scope)
    lot = marches.create_lot(ACTOR, marche, FORMULA)
    marches.update_lot(ACTOR, lot, {"rounding": "up"})
    marches.record_figure(ACTOR, lot, "invoiced_amount", date(2025, 3, 31), D("10"))
    actions = set(
        db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.target_id.in_([str(marche.id), str(lot.id)]))
        )
    )
    assert {"marche.created", "lot.created", "lot.updated", "lot.figure_recorded"} <= actions


def test_search_filters_marches_by_text_and_year(scope):
    _marche(scope, reference="2024-VOIRIE", object="Voirie du centre", notification_date=date(2024, 5, 1))
    rows = db.session.execute(marches.search_marches(MarcheFilters(text="voirie"))).all()
    assert [row.reference for row in rows] == ["2024-VOIRIE"]
    rows = db.session.execute(marches.search_marches(MarcheFilters(year=2025))).all()
    assert [row.reference for row in rows] == ["M-A-2025-001"]


def test_schemas_name_the_field_in_french_and_write_decimals_as_strings(scope):
    with pytest.raises(ValidationError) as refused:
        schemas.load(schemas.LotInputSchema(), {"number": "1", "object": "Lot"})
    assert refused.value.field == "obligation_mode" and refused.value.message == "Ce champ est obligatoire."
    with pytest.raises(ValidationError) as share:
        schemas.load(
            schemas.LotInputSchema(),
            {"number": "1", "object": "L", "obligation_mode": "formula", "labour_share": 50},
        )
    assert share.value.field == "labour_share"
    data = schemas.load(schemas.MarcheInputSchema(), {"donneur_ordre_id": 1, "reference": "R", "object": "O"})
    assert data["execution_communes"] == [] and data["anru"] is False
    lot = db.session.get(Lot, (scope.tenant_id, scope.ids["lot_id"]))
    dumped = schemas.LotSchema().dump(lot)
    assert dumped["obligation_hours"] == "833.00" and dumped["labour_share"] == "0.5000"
    assert dumped["obligation_inputs"]["explanation"].startswith("833 h =")
