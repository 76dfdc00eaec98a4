"""The import of a partner's spreadsheet of 10 000 lines: each step's time beside the bare work
under it, and the memory the whole import adds (issue 14: under 10 s and under 300 MB).

    uv run python -m bench.imports --database-url postgresql+psycopg://guichet_bench_app:…@127.0.0.1:5432/guichet_bench \\
        [--people 834] [--rounds 3]

It gives the benchmark a tenant of its own (``banc-import``: an ETTI whose ``--people`` employees
each have a mission over 2025, made once through the service's functions) and writes an XLSX of
one line per person and month (834 × 12 = 10 008 lines), the person named by last and first name
as a payroll export names them. Each round, in a process of its own (its memory measured alone):
the file read (``saas.sheets``) beside openpyxl's bare loop over the same rows; the file received
and planned line by line (``imports.receive`` and ``preview``); the valid lines written
(``imports.confirm``) beside the bare INSERT of the same statements. Every round is rolled back,
so that the next one writes the same lines again.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal

import openpyxl
from sqlalchemy import insert, select

from bench.bilans import _peak_mib, _resident_mib
from bench.prepare import ACTOR, make_app
from bench.stats import percentile
from saas import formats, sheets
from saas.accounts import memberships
from saas.db import db
from saas.heures import imports
from saas.heures.models import Releve
from saas.marches.models import Lot, Marche
from saas.parcours import api as parcours
from saas.parcours.models import Mission
from saas.partenaires import api as partenaires
from saas.participants import api as participants
from tenants import api as tenants_api
from tenants import context

SLUG = "banc-import"
YEAR = 2025
TARGETS = {"seconds": 10.0, "mib": 300.0}


def _tenant_id() -> int:
    with context.scoped(platform=True):
        tenant = tenants_api.tenant_by_slug(SLUG) or memberships.create_tenant(
            ACTOR, SLUG, "Territoire du banc d'import", "agglomeration"
        )
        db.session.commit()
        tenant_id = tenant.id
        db.session.remove()
    return tenant_id


def _lot(employer_id: int) -> int:
    buyer = partenaires.create(ACTOR, "Donneur du banc", "donneur_ordre")
    marche = Marche(
        tenant_id=context.require_tenant_id(), donneur_ordre_id=buyer.id, reference="BANC-IMPORT",
        object="Travaux du banc", start_date=date(YEAR, 1, 1), end_date=date(YEAR, 12, 31),
        execution_communes=[], considerations=["clause_execution"],
    )  # fmt: skip
    db.session.add(marche)
    db.session.flush()
    lot = Lot(
        tenant_id=marche.tenant_id, marche_id=marche.id, number="1", object="Gros œuvre",
        attributaire_id=employer_id, obligation_mode="fixed", fixed_hours=Decimal(2_000_000),
        obligation_hours=Decimal(2_000_000), obligation_inputs={"mode": "fixed"}, rounding="nearest",
    )  # fmt: skip
    db.session.add(lot)
    db.session.flush()
    return lot.id


def _people(tenant_id: int, count: int) -> tuple[int, list[tuple[str, str]]]:
    """The ETTI and its employees' names, made once (the first run takes a minute)."""
    with context.scoped(tenant_id):
        tenants_api.enter_tenant(tenant_id, None)
        employer = next((o for o in partenaires.list_all() if o.kind == "siae_etti"), None)
        if employer is None:
            employer = partenaires.create(ACTOR, "ETTI du banc", "siae_etti", "73282932000074")
            lot_id = _lot(employer.id)
            for n in range(count):
                person = participants.create(ACTOR, f"Banc{n:05d}", "Camille", date(1990, 1, 1), "F")
                participants.validate_eligibility(
                    ACTOR, person, [("beneficiaire_rsa", "attestation_caf")], date(YEAR, 1, 2)
                )
                parcours.place(
                    ACTOR, person.id, employer.id, lot_id, "mise_a_disposition", "cdd", date(YEAR, 1, 6),
                    Decimal(35), end_date=date(YEAR, 12, 31),
                )  # fmt: skip
            db.session.commit()
        names = participants.names_of(
            list(db.session.scalars(select(Mission.participant_id).where(Mission.employer_id == employer.id)))
        )
        employer_id = employer.id
        db.session.commit()
        db.session.remove()
    return employer_id, sorted(names.values())


def spreadsheet(names: list[tuple[str, str]]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Heures")
    sheet.append(["Nom", "Prénom", "Mois", "Heures travaillées", "Heures de formation"])
    for last, first in names:
        for month in range(1, 13):
            sheet.append([last, first, date(YEAR, month, 1), 120.5, 3])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _timed(function):
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


def _bare_read(content: bytes) -> int:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    count = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return count - 1


def _bare_write(plan, tenant_id: int) -> None:
    values = [
        {"tenant_id": tenant_id, "mission_id": p.mission.id, "month": p.month, "worked_hours": p.figures[0],
         "training_hours": p.figures[1], "absence_hours": p.figures[2], "source": "partenaire",
         "status": "declared", "row_version": 1}
        for p in plan.declared
    ]  # fmt: skip
    db.session.execute(insert(Releve), values)


def _round(database_url: str, redis_url: str, path: str) -> dict:
    """One import in this process: the time of each step and the memory it added."""
    app = make_app(database_url, redis_url)
    with open(path, "rb") as file:
        content = file.read()
    with app.app_context():
        tenant_id, employer_id = _tenant_id(), None
        with context.scoped(tenant_id):
            tenants_api.enter_tenant(tenant_id, None)
            employer_id = next(o.id for o in partenaires.list_all() if o.kind == "siae_etti")
            before = _resident_mib()
            read, sheet = _timed(lambda: sheets.read(content))
            bare_read, count = _timed(lambda: _bare_read(content))
            planned, preview = _timed(
                lambda: imports.preview(imports.receive(ACTOR, "banc.xlsx", content, employer_id))
            )
            written, counts = _timed(lambda: imports.confirm(ACTOR, preview.record, only_if_all_valid=True))
            added = _peak_mib() - before
            db.session.rollback()
            bare_write, _ = _timed(lambda: _bare_write(preview.plan, tenant_id))
            db.session.rollback()
    if counts["declared"] != count or len(sheet.rows) != count:
        raise SystemExit(f"lignes écrites {counts} sur {count}")
    return {
        "lines": count, "read": read, "bare_read": bare_read, "plan": planned, "write": written,
        "bare_write": bare_write, "added_mib": added,
    }  # fmt: skip


def _subprocess_round(args, path: str) -> dict:
    done = subprocess.run(  # noqa: S603  # this very module, with the arguments it built
        [sys.executable, "-m", "bench.imports", "--database-url", args.database_url, "--redis-url", args.redis_url,
         "--round", path],
        capture_output=True, text=True, env=os.environ.copy(),
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def render(rounds: list[dict]) -> str:
    def median(key: str) -> float:
        return percentile([r[key] for r in rounds], 50)

    total = median("plan") + median("write")
    out = [
        f"Import de {formats.number(rounds[0]['lines'])} lignes (XLSX), médiane de {len(rounds)} tours :",
        "",
        "| étape | service (s) | travail nu (s) | rapport |",
        "|---|---:|---:|---:|",
        f"| lecture du fichier | {median('read'):.2f} | {median('bare_read'):.2f} | {median('read') / median('bare_read'):.2f} |",
        f"| réception et aperçu ligne par ligne | {median('plan'):.2f} | {median('bare_read'):.2f} | {median('plan') / median('bare_read'):.2f} |",
        f"| écriture des relevés | {median('write'):.2f} | {median('bare_write'):.2f} | {median('write') / median('bare_write'):.2f} |",
        "",
        f"Envoi, aperçu et écriture : {total:.2f} s (objectif {TARGETS['seconds']:.0f} s) ; "
        f"mémoire ajoutée au plus : {max(r['added_mib'] for r in rounds):.0f} Mio (objectif {TARGETS['mib']:.0f} Mio).",
    ]  # fmt: skip
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--people", type=int, default=834)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--round", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.round:
        print(json.dumps(_round(args.database_url, args.redis_url, args.round)))
        return
    app = make_app(args.database_url, args.redis_url)
    with app.app_context():
        _, names = _people(_tenant_id(), args.people)
    path = os.path.join(os.environ.get("TMPDIR", "/tmp"), "banc-import.xlsx")  # noqa: S108
    with open(path, "wb") as file:
        file.write(spreadsheet(names))
    print(render([_subprocess_round(args, path) for _ in range(args.rounds)]))


if __name__ == "__main__":
    main()
