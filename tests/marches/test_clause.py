"""The clause-drafting aid: the article's text carries the hours, how they were computed, the
legal basis, the modalities, the reporting duty, the facilitator and the penalties when set."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace

from saas.marches import clause, obligation
from saas.marches.enums import Rounding


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def _lot(penalty=None, **changes):
    cost = obligation.choose_hourly_cost(None, None, (date(2024, 1, 1), D("30")), date(2025, 3, 3))
    result = obligation.formula(D("1000000"), D("0.5"), D("0.05"), cost, Rounding.nearest)
    values = {
        "number": "1",
        "object": "Gros œuvre",
        "obligation_mode": "formula",
        "obligation_hours": result.hours,
        "obligation_inputs": result.inputs,
        "amount_ht": D("1000000"),
        "penalty_per_hour": penalty,
        **changes,
    }
    return SimpleNamespace(**values)


MARCHE = SimpleNamespace(
    reference="2025-TRAV-014",
    object="Construction d'un gymnase",
    considerations=["clause_execution"],
    anru=True,
    anru_project_id="PRU-79-001",
)


def test_clause_states_the_hours_and_how_they_were_computed():
    text = plain(clause.draft(MARCHE, _lot(), "Territoire A", "Camille Martin", "camille@exemple.fr"))
    assert text.startswith("Article — Clause sociale d'insertion\nMarché 2025-TRAV-014")
    assert "au minimum 833 heures d'insertion" in text
    assert (
        "(1 000 000 €) × part de la main-d'œuvre (50 %) × taux d'insertion (5 %) ÷ coût horaire de référence (30 €)"
        in text
    )
    assert "article L2112-2 du code de la commande publique" in text
    assert "le 10 de chaque mois" in text
    assert "mise à disposition" in text and "GEIQ" in text and "ESAT" in text
    assert "Contact : Camille Martin, camille@exemple.fr." in text
    assert "PRU-79-001" in text and "quartiers prioritaires" in text
    numbers = [line.split(".")[0] for line in text.splitlines() if line[:1].isdigit()]
    assert numbers == ["1", "2", "3", "4", "5", "6"]
    assert "Pénalités" not in text


def test_clause_states_the_penalties_when_the_lot_sets_them():
    text = plain(clause.draft(MARCHE, _lot(penalty=D("45")), "Territoire A", None, None))
    assert "7. Pénalités" in text
    assert "une pénalité de 45 € HT par heure d'insertion non réalisée" in text


def test_clause_of_a_per_amount_lot_explains_the_ratio():
    lot = _lot(
        obligation_mode="per_amount",
        obligation_hours=D(0),
        obligation_inputs=obligation.per_amount([], D("2000"), D("1")).inputs,
    )
    text = plain(clause.draft(MARCHE, lot, "Territoire A", None, None))
    assert "1 heure d'insertion par tranche de 2 000 € HT facturés" in text
    assert "environ 500 heures" in text
