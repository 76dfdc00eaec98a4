"""Time and peak memory of a large export (issue 11), each measure in a process of its own.

    uv run python -m bench.export --rows 200000
    uv run python -m bench.export --database-url postgresql+psycopg://guichet_bench_app:…@127.0.0.1:5432/guichet_bench \\
        --email facilitateur.grand-territoire@guichet-bench.fr --path '/t/grand-territoire/heures/?statut=tous'

The first form writes ``--rows`` rows of nine typed columns (texts, dates, date-times, decimals)
with each writer: XlsxWriter in ``constant_memory`` mode (the one of ``saas.tabular``), openpyxl in
write-only mode (the one before), and CSV. The second replays the export of a list page as the
person of ``--email`` (``workers.jobs.list_export.replay``), the file answered directly whatever
its size, on a read-only connection (``default_transaction_read_only``: nothing is written). Each
line gives the seconds, the rows, the file's size and the peak memory the export added to the
process (its peak resident memory during the export, ``VmHWM``, minus its resident memory before);
with ``BENCH_TRACE=1``, also the peak of Python's allocations (``tracemalloc``, which slows it).
A measure, not an assertion.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import parse_qs

HEADER = (
    "Mois",
    "Participant",
    "Employeur",
    "Travaillées",
    "Formation",
    "Réalisées",
    "Comptées",
    "Statut",
    "Déclaré le",
)


def _rows(count: int):
    for n in range(count):
        yield (
            date(2020 + n % 6, 1 + n % 12, 1),
            f"P-{n:07d}",
            f"Entreprise {n % 997} SARL",
            Decimal("151.67"),
            Decimal(n % 20),
            Decimal("160.5"),
            Decimal("140.25"),
            "Validé",
            datetime(2024, 1 + n % 12, 1 + n % 28, 9, 30, tzinfo=UTC),
        )


def _openpyxl_value(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # openpyxl refuses time zones
    return value


def _openpyxl(out, rows) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Export")
    sheet.append(HEADER)
    for row in rows:
        sheet.append([_openpyxl_value(v) for v in row])
    workbook.save(out)


def _status_mib(field: str) -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(field + ":"))
    return int(line.split()[1]) / 1024


def _resident_mib() -> float:
    """The memory the process holds now, its peak reset to it (Linux: ``clear_refs`` 5)."""
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    return _status_mib("VmRSS")


def _peak_mib() -> float:
    """The most memory the process held since :func:`_resident_mib`."""
    return _status_mib("VmHWM")


def _measure_writer(writer: str, count: int) -> dict:
    from saas import tabular

    if os.environ.get("BENCH_TRACE"):
        tracemalloc.start()
    before = _resident_mib()
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        if writer == "openpyxl":
            _openpyxl(out, _rows(count))
        else:
            tabular.write_to(out, writer, "x", HEADER, _rows(count))
        size = out.tell()
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if tracemalloc.is_tracing() else None
    return {
        "traced_mib": traced,
        "what": writer,
        "rows": count,
        "seconds": time.perf_counter() - started,
        "bytes": size,
        "added_mib": _peak_mib() - before,
    }


def _measure_page(path: str, email: str, fmt: str) -> dict:
    from saas import create_app
    from saas.accounts import api as accounts
    from saas.db import db
    from tenants import context
    from workers.jobs.list_export import replay

    app = create_app()
    app.config["EXPORT_DIRECT_MAX_ROWS"] = 10**12  # answered directly: the run would write its file
    with app.app_context(), context.scoped():
        user = accounts.user_by_email(email)
        if user is None:
            raise SystemExit(f"aucun compte {email}")
        user = accounts.acting_for_run(user.id, 0)
        before = _resident_mib()
        started = time.perf_counter()
        page, _, query = path.partition("?")
        answer = replay(page, {**parse_qs(query), "export": [fmt]}, user, None).answer
        seconds = time.perf_counter() - started
        db.session.rollback()
    data = answer.get_data() if hasattr(answer, "get_data") else b""
    if getattr(answer, "status_code", None) != 200:
        raise SystemExit(f"la page a répondu {getattr(answer, 'status', answer)}")
    rows = data.count(b"\n") - 1 if fmt == "csv" else None
    return {
        "what": f"{path} ({fmt})",
        "rows": rows,
        "seconds": seconds,
        "bytes": len(data),
        "added_mib": _peak_mib() - before,
    }


def _in_a_process(args: list[str], env: dict | None = None) -> dict:
    done = subprocess.run(  # noqa: S603  # this very module, with the arguments it built
        [sys.executable, "-m", "bench.export", "--one", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _print(result: dict) -> None:
    rows = "?" if result["rows"] is None else f"{result['rows']:,}".replace(",", " ")
    print(
        f"{result['what']:<42} {rows:>9} lignes {result['seconds']:7.1f} s "
        f"{result['bytes'] / 2**20:7.1f} Mio  +{result['added_mib']:.1f} Mio de mémoire"
        + (f" (pic Python {result['traced_mib']:.1f} Mio)" if result.get("traced_mib") is not None else "")
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--writers", default="xlsx,openpyxl,csv")
    parser.add_argument("--database-url")
    parser.add_argument("--email")
    parser.add_argument("--path", action="append", default=[])
    parser.add_argument("--format", default="xlsx", choices=("xlsx", "csv"))
    parser.add_argument("--one", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.one:
        kind, *rest = options.one
        result = _measure_writer(rest[0], int(rest[1])) if kind == "writer" else _measure_page(*rest)
        print(json.dumps(result))
        return
    if not options.database_url:
        for writer in options.writers.split(","):
            _print(_in_a_process(["writer", writer, str(options.rows)]))
        return
    env = {"DATABASE_URL": options.database_url, "PGOPTIONS": "-c default_transaction_read_only=on"}
    env["SECRET_KEY"] = os.environ.get("SECRET_KEY") or secrets.token_hex(32)  # no cookie leaves here
    for path in options.path:
        _print(_in_a_process(["page", path, options.email, options.format], env))


if __name__ == "__main__":
    main()
