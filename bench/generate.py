"""Fill a database with ten national years of clause execution (issue 11).

    uv run python -m bench.generate --database-url postgresql://postgres@127.0.0.1:5432/guichet_bench

The URL is a superuser's and names the database: it is created with the service's two roles when
missing, migrated, given the reference data, then filled through COPY (``bench.rows``) with about
100 territories, the large one ``grand-territoire`` (``bench.shape``). ``--scale 0.01`` makes a small
version of the same shape. Prints the rows of each table, the time of each phase, and the login of
the large territory's facilitateur.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass

from bench import database
from bench.ledger import Ledger
from bench.people import People
from bench.rows import TABLES, Ids, Rows
from bench.shape import LARGE_SLUG, Period, Territory, territories
from bench.territory import build
from saas import clock
from saas.dbroles import RoleSpec, role_url
from saas.security import hash_password, password_problem

PASSWORD = "Clauses-Bench-2026"  # noqa: S105 - printed on purpose: the benchmark logs in with it
DOMAIN = "guichet-bench.fr"
#: statements kept in memory before a COPY and a commit (the deferred triggers check them then).
CHUNK_STATEMENTS = 60_000


def facilitator_email(slug: str) -> str:
    return f"facilitateur.{slug}@{DOMAIN}"


class Phases:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started


def _arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", required=True, help="URL d'un superutilisateur, nommant la base à remplir"
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="1 : dix années nationales ; 0.01 : une petite version"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument(
        "--jobs", type=int, default=4, help="workers remplissant les territoires en parallèle"
    )
    parser.add_argument("--drop", action="store_true", help="supprimer la base d'abord si elle existe")
    parser.add_argument(
        "--large-only",
        action="store_true",
        help="le grand territoire seul (pour le mesurer seul, puis parmi les 100)",
    )
    parser.add_argument("--owner", default="guichet_bench_owner")
    parser.add_argument("--owner-password", default="bench-owner-pw")
    parser.add_argument("--app-role", default="guichet_bench_app")
    parser.add_argument("--app-password", default="bench-app-pw")
    return parser.parse_args(argv)


@dataclass(frozen=True)
class Job:
    """What one worker fills: its territories, its share of the identifiers."""

    url: str
    territories: tuple[Territory, ...]
    offset: int
    step: int


def _split(specs: list[Territory], jobs: int) -> list[list[Territory]]:
    """Territories to ``jobs`` workers, the largest first to the least loaded."""
    groups: list[list[Territory]] = [[] for _ in range(jobs)]
    for spec in sorted(specs, key=lambda s: s.participants, reverse=True):
        min(groups, key=lambda g: sum(s.participants for s in g)).append(spec)
    return [group for group in groups if group]


def fill(job: Job) -> tuple[dict[str, int], dict[str, float]]:
    """One worker: its territories, generated and copied; the rows written and the seconds spent."""
    phases, ids, rows, commits = Phases(), Ids(job.offset, job.step), Rows(), 0.0
    password = hash_password(PASSWORD)
    with database.connect(job.url) as conn, phases("génération et COPY"):
        refs = database.reference_codes(conn)
        period = Period.ending(clock.today())
        departements = sorted(refs["communes"])
        for spec in job.territories:
            communes = refs["communes"][departements[(spec.index * 7) % len(departements)]][:8]
            place = build(spec, period, communes, ids, rows, password, facilitator_email(spec.slug))
            people = People(place, period, ids, rows, refs["exit_categories"])
            ledger = Ledger(place, period, ids, rows)
            for _ in range(spec.participants):
                for mission in people.person():
                    ledger.mission(mission)
                if len(rows.pending["hour_statements"]) >= CHUNK_STATEMENTS:
                    rows.flush(conn)
                    commits += _commit(conn, rows)
            rows.flush(conn)
            commits += _commit(conn, rows)
    phases.seconds["génération et COPY"] -= commits
    phases.seconds["dont COPY"] = rows.copy_seconds
    phases.seconds["COMMIT (déclencheurs différés) et ANALYZE en cours"] = commits
    return dict(rows.written), phases.seconds


def chosen_territories(scale: float, seed: int, large_only: bool = False) -> list[Territory]:
    """The territories to fill: all of them, or the large one alone, the same as among the others."""
    every = territories(scale, seed)
    return [spec for spec in every if spec.large] if large_only else every


def _fill_all(url: str, scale: float, seed: int, jobs: int, phases: Phases, large_only: bool = False) -> None:
    groups = _split(chosen_territories(scale, seed, large_only), jobs)
    work = [Job(url, tuple(group), offset, len(groups)) for offset, group in enumerate(groups)]
    with phases("remplissage (workers en parallèle)"):
        if len(work) == 1:
            results = [fill(work[0])]
        else:
            with _context().Pool(len(work)) as pool:
                results = pool.map(fill, work)
    for _, seconds in results:
        for phase, value in seconds.items():
            key = f"  {phase} (somme des workers)"
            phases.seconds[key] = phases.seconds.get(key, 0.0) + value


def _context():
    """Workers forked where the system can (they start at once, the modules already imported)."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _commit(conn, rows: Rows) -> float:
    started = time.perf_counter()
    conn.commit()
    rows.analyze_grown(conn)
    return time.perf_counter() - started


def run(argv=None) -> dict:
    args = _arguments(argv)
    name = database.database_name(args.database_url)
    roles = RoleSpec(args.owner, args.owner_password, args.app_role, args.app_password, name)
    phases, started = Phases(), time.perf_counter()
    problem = password_problem(PASSWORD)
    assert problem is None, problem
    with phases("base : rôles, migrations, référentiels"):
        database.prepare(args.database_url, roles, args.redis_url, drop=args.drop)
    with database.connect(args.database_url) as conn:
        database.check_empty(conn)
    # no connection open while the workers fork: each opens its own
    _fill_all(args.database_url, args.scale, args.seed, args.jobs, phases, args.large_only)
    with database.connect(args.database_url) as conn:
        with phases("séquences"):
            database.advance_sequences(conn, TABLES)
        with phases("ANALYZE"):
            database.analyze(args.database_url)
        counts = database.row_counts(conn, TABLES)
    total = time.perf_counter() - started
    _report(args, roles, counts, phases, total)
    return {"counts": counts, "phases": phases.seconds, "total": total}


def _report(args, roles: RoleSpec, counts: dict[str, int], phases: Phases, total: float) -> None:
    print(f"\nLignes par table (échelle {args.scale}) :")
    for table, count in counts.items():
        print(f"  {table:<28} {count:>12,}".replace(",", " "))
    print("\nDurée par phase :")
    for phase, seconds in phases.seconds.items():
        print(f"  {phase:<48} {seconds:>8.1f} s")
    print(f"  {'total':<48} {total:>8.1f} s")
    print(f"\nGrand territoire : {LARGE_SLUG}")
    print(f"Facilitateur : {facilitator_email(LARGE_SLUG)}  mot de passe : {PASSWORD}")
    print(f"DATABASE_URL={role_url(args.database_url, roles.app, roles.app_password, roles.database)}")
    print(
        f"MIGRATION_DATABASE_URL={role_url(args.database_url, roles.owner, roles.owner_password, roles.database)}"
    )


if __name__ == "__main__":
    run()
