"""New passwords: common ones are refused, from the list shipped with zxcvbn (no network)."""

from __future__ import annotations

import pytest

from saas.security import password_problem


@pytest.mark.parametrize(
    "password", ["Password1234", "Azerty123456", "Motdepasse2024!", "Mot-de-passe-123", "Qwerty123456"]
)
def test_a_common_password_is_refused_even_dressed_up(password):
    assert "plus courants" in (password_problem(password) or "")


@pytest.mark.parametrize("password", ["Mot-de-passe-Test-1", "Clauses-Demo-2026", "Chaton-Rouge-Velo-7"])
def test_an_uncommon_password_passes(password):
    assert password_problem(password) is None
