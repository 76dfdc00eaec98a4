"""The benchmark: ``uv run python -m bench.run --database-url URL --tenant SLUG``.

It serves the service under gunicorn with the production settings against the database given,
and beside it the bare handler (``bench.bare``) under the same settings; logs in as a
facilitateur of the tenant (created if needed) and measures, for every workspace page and every
API list, p50 and p95 at each number of concurrent users (``hey``), beside the bare handler at the
same concurrency; then each figure of the dashboard and progress pages beside a bare SQL
aggregate, statements written per second through the API, the exports and the peak memory of the
largest, and the queries each request runs. It prints the tables (Markdown) and writes them to
``--output`` if given. See bench/README.md, « Mesurer ».
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import aggregates, exports, load, queries, report, servers, writes
from bench.prepare import Setup, app_config, make_app, prepare
from bench.report import RouteResult
from bench.targets import Route, routes
from bench.web import cookie_header, login


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="URL du rôle applicatif sur la base mesurée")
    parser.add_argument("--tenant", required=True, help="territoire mesuré (son identifiant d'URL)")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"), help="défaut : $REDIS_URL")
    parser.add_argument("--users", default="1,16", help="utilisateurs simultanés, séparés par des virgules")
    parser.add_argument("--duration", type=float, default=None, help="secondes par route et par charge")
    parser.add_argument("--quick", action="store_true", help="quelques routes, une seconde chacune")
    parser.add_argument("--output", type=Path, default=None, help="écrire aussi le rapport dans ce fichier")
    args = parser.parse_args(argv)
    if not args.redis_url:
        parser.error("indiquez --redis-url (ou REDIS_URL)")
    args.users = sorted({int(value) for value in args.users.split(",") if value.strip()})
    if args.duration is None:
        args.duration = 1.0 if args.quick else 3.0
    return args


def _headers(route: Route, cookie: dict[str, str], token: str) -> dict[str, str]:
    return cookie if route.kind == "page" else {"Authorization": f"Bearer {token}"}


def count_queries(app, setup: Setup, chosen: list[Route]) -> dict[str, tuple[int, int]]:
    """``(status, statements)`` of one request of each route, in process (test client)."""
    counts = {}
    client = app.test_client()
    queries.login(client, setup.email, setup.password)
    for route in chosen:
        path = route.url_path(setup.slug, setup.ids)
        if path is None:
            continue
        headers = _headers(route, {}, setup.token) if route.kind == "api" else {}
        queries.per_request(client, path, headers)  # the first request of a route warms its caches
        counts[route.label] = queries.per_request(client, path, headers)
    return counts


def measure_route(url: str, users: list[int], seconds: float, headers: dict[str, str]) -> RouteResult:
    result = RouteResult("", url)
    load.warm(url, max(users), headers)
    for count in users:
        try:
            result.latencies[count] = load.measure(url, count, seconds, headers)
        except RuntimeError as exc:
            result.latencies[count] = None
            result.note = str(exc)[-80:]
    return result


def measure_routes(base_url: str, setup: Setup, chosen: list[Route], args, cookie) -> list[RouteResult]:
    results = []
    for route in chosen:
        path = route.url_path(setup.slug, setup.ids)
        if path is None:
            results.append(RouteResult(route.label, "", note="aucun objet de ce type"))
            continue
        print(f"  {route.label} : {path}", file=sys.stderr, flush=True)
        result = measure_route(
            base_url + path, args.users, args.duration, _headers(route, cookie, setup.token)
        )
        result.label, result.path = route.label, path
        results.append(result)
    return results


def measure_bare(log_dir: Path, users: list[int], seconds: float) -> dict:
    server = servers.start("bare", "bench.bare:app", {}, log_dir)
    try:
        url = server.base_url + "/"
        load.warm(url, max(users), requests=200)
        return {count: load.measure(url, count, seconds) for count in users}
    finally:
        server.stop()


def _measure_writes(base_url: str, setup: Setup, months: int):
    template = setup.ids.get("mission")
    if template is None:
        return None, "aucune mission dans le territoire"
    try:
        return writes.measure(base_url, setup.token, template, months), None
    except RuntimeError as exc:
        return None, str(exc)


def serve_and_measure(args, setup: Setup, chosen: list[Route], log_dir: Path) -> dict:
    env = app_config(args.database_url, args.redis_url)
    service = servers.start("service", "saas.wsgi:app", env, log_dir)
    try:
        session = login(service.base_url, setup.email, setup.password)
        results = measure_routes(service.base_url, setup, chosen, args, cookie_header(session))
        print("  écritures par l'API", file=sys.stderr, flush=True)
        written, error = _measure_writes(service.base_url, setup, 12 if args.quick else 48)
        print("  exports", file=sys.stderr, flush=True)
        timed = exports.time_all(service.base_url, session, setup.slug)
    finally:
        service.stop()
    answered = [export for export in timed if export.status == 200]
    largest = max(answered, key=lambda export: export.bytes) if answered else None
    peak = exports.peak(largest, env, log_dir, setup.email, setup.password) if largest else None
    return {"results": results, "writes": (written, error), "exports": timed, "peak": peak}


def render(args, setup: Setup, measured: dict, bare: dict, figures, counts, seconds: float) -> str:
    for result in measured["results"]:
        if result.label in counts:
            result.status, result.queries = counts[result.label]
    sizes = ", ".join(f"{name} {count}" for name, count in setup.sizes.items())
    analysed = ", ".join(setup.analysed) if setup.analysed else "aucune de ces tables n'en a"
    heading = (
        f"# Banc d'essai — territoire « {setup.slug} », {datetime.now(UTC):%d/%m/%Y %H:%M} UTC\n\n"
        f"Machine : {os.cpu_count()} cœurs, {platform.python_implementation()} {platform.python_version()} ; "
        f"gunicorn avec infra/gunicorn.conf.py ; {args.duration:g} s par route et par charge ; "
        f"durée totale {seconds / 60:.1f} min ; charge moyenne de la machine (1 min) "
        f"{args.load_start:.1f} au début, {os.getloadavg()[0]:.1f} à la fin.\n"
        f"Données du territoire : {sizes}.\n"
        f"Statistiques du planificateur (ANALYZE) : {analysed}.\n"
    )
    parts = [
        heading,
        "## Pages et listes de l'API (ms ; ⚠ : p95 au-dessus de 150 ms à la plus forte charge)\n",
        report.routes_table(measured["results"], bare, args.users),
        f"\n## Figures du tableau de bord et de l'avancement (médiane de {1 if args.quick else 5} appel(s), ms)\n",
        report.aggregates_table(figures),
        "\n## Écritures par l'API\n",
        report.writes_text(*measured["writes"]),
        "\n## Exports\n",
        report.exports_text(measured["exports"], measured["peak"]),
    ]
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load.hey_path()  # before anything else: the tool is there
    started = time.monotonic()
    args.load_start = os.getloadavg()[0]
    log_dir = Path(tempfile.mkdtemp(prefix="guichet-banc-"))
    chosen = routes(args.quick)
    app = make_app(args.database_url, args.redis_url)
    print("Préparation (compte, jeton, objets mesurés)…", file=sys.stderr, flush=True)
    setup = prepare(app, args.tenant)
    print("Figures et requêtes par page (en processus)…", file=sys.stderr, flush=True)
    figures = aggregates.measure(
        app, setup.tenant_id, setup.ids, rounds=1 if args.quick else aggregates.ROUNDS
    )
    counts = count_queries(app, setup, chosen)
    print("Gestionnaire nu sous gunicorn…", file=sys.stderr, flush=True)
    bare = measure_bare(log_dir, args.users, args.duration)
    print("Service sous gunicorn…", file=sys.stderr, flush=True)
    measured = serve_and_measure(args, setup, chosen, log_dir)
    text = render(args, setup, measured, bare, figures, counts, time.monotonic() - started)
    print(text)
    if args.output:
        args.output.write_text(text)
    print(f"Journaux des serveurs : {log_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
