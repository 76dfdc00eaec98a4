"""Rules of the code base: dependencies point one way, one migration head, no drift."""

from __future__ import annotations

import ast
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from saas.db import NAMING_CONVENTION, db

ROOT = Path(__file__).resolve().parent.parent
COMPOSITION_ROOTS = {"saas/__init__.py", "saas/cli.py", "saas/wsgi.py", "saas/__main__.py"}


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_saas_imports_only_tenants_context_and_never_http_or_queue_layers():
    offenders = []
    for path in (ROOT / "saas").rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative in COMPOSITION_ROOTS:
            continue
        for name in imports_of(path):
            top = name.split(".")[0]
            if top in {"blueprints", "workers", "rq"}:
                offenders.append(f"{relative} imports {name}")
            if (
                top == "tenants"
                and name not in {"tenants", "tenants.context"}
                and not name.startswith("tenants.context.")
            ):
                offenders.append(f"{relative} imports {name}")
    assert not offenders, offenders


def test_tenants_and_workers_do_not_import_blueprints():
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for package in ("tenants", "workers")
        for path in (ROOT / package).rglob("*.py")
        for name in imports_of(path)
        if name.split(".")[0] == "blueprints"
    ]
    assert not offenders, offenders


def test_metadata_has_a_naming_convention():
    assert db.metadata.naming_convention == NAMING_CONVENTION
    assert {"pk", "fk", "ix", "uq", "ck"} <= set(NAMING_CONVENTION)


def test_one_migration_head(app):
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config(directory=str(ROOT / "migrations"))
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_models_and_migrations_do_not_drift(app, database_urls):
    engine = create_engine(database_urls["owner"])
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
    engine.dispose()
    assert diff == []
