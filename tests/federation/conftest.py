from __future__ import annotations

import pytest

from tests.conftest import database_prefix, worker_name
from tests.federation.instance import DepartementInstance


@pytest.fixture
def departement(app, database_urls, tmp_path):
    """A Département's own instance (another database, another process), stopped at the end."""
    instance = DepartementInstance(
        database_urls["superuser"],
        f"{database_prefix()}{worker_name()}_departement",
        database_prefix(),
        app.config["REDIS_URL"],
        tmp_path / "departement.log",
    )
    yield instance.start()
    instance.stop()
