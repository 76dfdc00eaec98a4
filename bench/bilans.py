"""A line per bilan on the national data: the time the service takes to compute it
(``saas.bilans.api.compute``) beside the bare SQL aggregate of the same rows (the scope's counted
hours of the period, summed by mission, planned for its values as the service's statements are),
their ratio, and whether the two totals agree; then the peak memory of the XLSX and PDF exports of
the largest bilans (the annual bilan and the consolidation of the territory), each in a process of
its own.

    uv run python -m bench.bilans --database-url postgresql+psycopg://guichet_bench_app:…@127.0.0.1:5432/guichet_bench \\
        --tenant grand-territoire [--year 2025] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import text

from bench.prepare import ACTOR, make_app, prepare
from bench.queries import login
from bench.stats import percentile
from saas.bilans import api as bilans
from saas.bilans import engine
from saas.db import db
from tenants import api as tenants_api
from tenants import context

# The scope's counted hours of the period, by mission: the rows every bilan reads, grouped once.
_BARE = """
SELECT s.mission_id, sum(a.hours) AS hours
  FROM hour_statements s
  JOIN hour_countings c ON c.tenant_id = s.tenant_id AND c.statement_id = s.id AND c.current
  JOIN hour_allocations a ON a.tenant_id = c.tenant_id AND a.counting_id = c.id
  {join}
 WHERE s.tenant_id = :t AND s.month BETWEEN :first AND :last {where}
 GROUP BY s.mission_id
"""
_BY_SCOPE = {
    "territoire": ("", ""),
    "donneur_ordre": ("", "AND a.lot_id = ANY(:lots)"),
    "marche": ("", "AND a.lot_id = ANY(:lots)"),
    "lot": ("", "AND a.lot_id = ANY(:lots)"),
    "employeur": (
        "JOIN missions m ON m.tenant_id = s.tenant_id AND m.id = s.mission_id",
        "AND m.employer_id = :key",
    ),
}
_EMPLOYER = (
    "SELECT employer_id FROM missions WHERE tenant_id = :t GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
)


@dataclass(frozen=True)
class Line:
    label: str
    app_ms: float
    bare_ms: float
    same: bool


def _timed(function: Callable[[], object], rounds: int) -> tuple[float, object]:
    value = function()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        value = function()
        times.append((time.perf_counter() - started) * 1000)
    return percentile(times, 50), value


def _bare(scope, period) -> Callable[[], Decimal]:
    join, where = _BY_SCOPE[scope.kind.value]
    sql = text(_BARE.format(join=join, where=where))
    params = {
        "t": context.require_tenant_id(),
        "first": period.first_month,
        "last": period.last_month,
        "lots": list(scope.lots or ()),
        "key": int(scope.key or 0),
    }

    def total() -> Decimal:
        with engine.custom_plans():  # as the service's statements are planned
            return sum((row.hours for row in db.session.execute(sql, params)), Decimal(0))

    return total


def _bilans(setup, year: int) -> list[tuple[str, str, str, object]]:
    ids = setup.ids
    employer = db.session.execute(text(_EMPLOYER), {"t": setup.tenant_id}).scalar()
    return [
        ("Bilan annuel du territoire", "annuel", "territoire", None),
        ("Bilan d'exécution du territoire", "execution", "territoire", None),
        ("Collecte nationale du territoire", "national", "territoire", None),
        (
            "Bilan d'exécution du plus grand donneur d'ordre",
            "execution",
            "donneur_ordre",
            ids["donneur_ordre"],
        ),
        ("Bilan d'exécution du plus grand marché", "execution", "marche", ids["marche"]),
        ("Bilan d'exécution du plus grand lot", "execution", "lot", ids["lot"]),
        ("Bilan annuel du plus grand employeur", "annuel", "employeur", employer),
    ]


def measure(app, setup, year: int, rounds: int) -> list[Line]:
    """Each bilan of ``year`` beside its bare aggregate, in one transaction of the tenant."""
    period = bilans.Period.of("annee", year)
    lines = []
    with app.app_context(), context.scoped(setup.tenant_id):
        tenants_api.enter_tenant(setup.tenant_id, None)
        for label, kind, scope_kind, key in _bilans(setup, year):
            scope = bilans.resolve_scope(scope_kind, key)
            app_ms, figures = _timed(lambda: bilans.compute(kind, scope, period), rounds)  # noqa: B023
            bare_ms, total = _timed(_bare(scope, period), rounds)
            counted = Decimal(figures["totaux"]["heures"])
            lines.append(Line(f"{label} {year}", app_ms, bare_ms, counted == total))
        db.session.rollback()
        db.session.remove()
    return lines


def _peak_mib() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def _resident_mib() -> float:
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def _export_once(database_url: str, redis_url: str, slug: str, bilan_id: int, what: str) -> dict:
    """One export of a saved bilan through the service's route, in this process: its time, its
    size and the memory it added (peak resident memory minus resident memory before)."""
    app = make_app(database_url, redis_url)
    setup = prepare(app, slug)
    client = app.test_client()
    login(client, setup.email, setup.password)
    before = _resident_mib()
    started = time.perf_counter()
    answer = client.get(f"/t/{slug}/bilans/{bilan_id}/{what}")
    body = answer.get_data()
    seconds = time.perf_counter() - started
    if answer.status_code != 200:
        raise SystemExit(f"{what} : réponse {answer.status_code}")
    return {"what": what, "seconds": seconds, "bytes": len(body), "added_mib": _peak_mib() - before}


def _export(args, bilan_id: int, what: str) -> dict:
    done = subprocess.run(  # noqa: S603  # this very module, with the arguments it built
        [sys.executable, "-m", "bench.bilans", "--database-url", args.database_url, "--redis-url", args.redis_url,
         "--tenant", args.tenant, "--export", str(bilan_id), what],
        capture_output=True, text=True, env=os.environ.copy(),
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


#: the bilans exported: the annual bilan of the whole territory (every table that counts) and its
#: consolidation (a row per person, employer and lot: the longest)
EXPORTED = (("annuel", "Bilan annuel du territoire"), ("consolidation", "Consolidation du territoire"))


def _largest(app, setup, year: int, kind: str) -> int:
    """The ``kind`` bilan of the whole territory, saved (the benchmark's own, kept in its database)."""
    with app.app_context(), context.scoped(setup.tenant_id):
        tenants_api.enter_tenant(setup.tenant_id, None)
        bilan = bilans.produce(kind, "territoire", None, bilans.Period.of("annee", year), ACTOR)
        db.session.commit()
        return bilan.id


def render(lines: list[Line], exports: list[dict]) -> str:
    out = ["| bilan | service (ms) | SQL nu (ms) | rapport | même total |", "|---|---:|---:|---:|---|"]
    for line in lines:
        ratio = line.app_ms / line.bare_ms if line.bare_ms else float("nan")
        same = "oui" if line.same else "**non**"
        out.append(f"| {line.label} | {line.app_ms:.0f} | {line.bare_ms:.0f} | {ratio:.2f} | {same} |")
    out += ["", "| export | durée (s) | taille (Kio) | mémoire ajoutée (Mio) |"]
    out.append("|---|---:|---:|---:|")
    for found in exports:
        out.append(
            f"| {found['label']} : {found['what']} | {found['seconds']:.2f} | {found['bytes'] / 1024:.0f} "
            f"| {found['added_mib']:.1f} |"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--tenant", default="grand-territoire")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--export", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.export:
        print(
            json.dumps(
                _export_once(
                    args.database_url, args.redis_url, args.tenant, int(args.export[0]), args.export[1]
                )
            )
        )
        return
    app = make_app(args.database_url, args.redis_url)
    setup = prepare(app, args.tenant)
    lines = measure(app, setup, args.year, args.rounds)
    exports = []
    for kind, label in EXPORTED:
        bilan_id = _largest(app, setup, args.year, kind)
        exports += [
            {**_export(args, bilan_id, what), "label": label} for what in ("classeur.xlsx", "bilan.pdf")
        ]
    print(render(lines, exports))


if __name__ == "__main__":
    main()
