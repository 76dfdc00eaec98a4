"""Two lines on the national data: the time of a territory's yearly push to its Département (the
report built under the territory's scope, signed, received and stored through the local transport)
beside the bilan annuel alone, which it carries; and the time of the console's consolidation over
100 member territories beside the bare SQL that reads their 100 reports (the latest summary of each) and counts
their people once.

    uv run python -m bench.federation --database-url postgresql+psycopg://guichet_bench_app:…@127.0.0.1:5432/guichet_bench \\
        [--tenant grand-territoire] [--year 2025] [--rounds 5]

It gives the benchmark's tenant a Département of its own (code 95) and 100 remote members whose
reports are copies of the tenant's with keys of their own; it removes its reports before each
push, so that every round makes version 1 again.
"""

from __future__ import annotations

import argparse
import os
import secrets
import time
from datetime import date

from sqlalchemy import delete, text

from bench.bilans import _timed
from bench.prepare import make_app, prepare
from saas.bilans import api as bilans
from saas.db import db
from saas.federation import console, exports, outbox, reception
from saas.federation.models import OutgoingReport, ReceivedReport
from tenants import api as tenants_api
from tenants import context

CODE = "95"
MEMBERS = 100
TARGETS = {"push": 2000.0, "console": 300.0}


def _federation(tenant_id: int) -> int:
    with context.scoped(platform=True):
        db.session.execute(
            text(
                "INSERT INTO federations (code, name) VALUES (:c, 'Département du banc d''essai') ON CONFLICT DO NOTHING"
            ),
            {"c": CODE},
        )
        federation_id = db.session.execute(
            text("SELECT id FROM federations WHERE code = :c"), {"c": CODE}
        ).scalar_one()
        db.session.execute(
            text(
                "INSERT INTO tenant_federations (tenant_id, federation_id) VALUES (:t, :f) ON CONFLICT DO NOTHING"
            ),
            {"t": tenant_id, "f": federation_id},
        )
        for n in range(1, MEMBERS + 1):
            db.session.execute(
                text("INSERT INTO federation_remote_members (federation_id, slug, name) VALUES (:f, :s, :n) "
                     "ON CONFLICT DO NOTHING"),
                {"f": federation_id, "s": f"banc-{n:03d}", "n": f"Territoire du banc {n:03d}"},
            )  # fmt: skip
        db.session.commit()
        db.session.remove()
    return federation_id


def _forget(federation_id: int, tenant_id: int, start: date) -> None:
    """The benchmark's reports of the period, on both sides, so that the next push is version 1."""
    with context.scoped(None, federation_id=federation_id):
        db.session.execute(
            delete(ReceivedReport).where(
                ReceivedReport.period_start == start, ReceivedReport.period_kind == "annee"
            )
        )
        db.session.commit()
        db.session.remove()
    with context.scoped(tenant_id):
        db.session.execute(delete(OutgoingReport).where(OutgoingReport.period_start == start))
        db.session.commit()
        db.session.remove()


def _push_once(federation_id: int, tenant_id: int, start: date) -> float:
    _forget(federation_id, tenant_id, start)
    with context.scoped(tenant_id):
        tenants_api.enter_tenant(tenant_id, None)
        started = time.perf_counter()
        report = outbox.prepare(outbox.membership(federation_id), "annee", start)
        db.session.info.pop("on_commit", None)  # pushed here, as the worker's job does
        report_id = report.id
        db.session.commit()
        sent = outbox.push(report_id)
        elapsed = (time.perf_counter() - started) * 1000
        db.session.remove()
    if not sent["envoye"]:
        raise SystemExit(f"le rapport n'a pas été reçu : {sent}")
    return elapsed


def _copies(federation_id: int, start: date) -> None:
    """The 100 members' reports: the tenant's, with keys of their own (a tenth shared)."""
    with context.scoped(None, federation_id=federation_id):
        own = console.latest_reports(federation_id, "annee", start)
        (report,) = own.values()
        shared = report.payload["personnes"]["cles"][: len(report.payload["personnes"]["cles"]) // 10]
        db.session.execute(delete(ReceivedReport).where(ReceivedReport.territory_slug.like("banc-%")))
        for n in range(1, MEMBERS + 1):
            keys = shared + [
                secrets.token_hex(32) for _ in report.payload["personnes"]["cles"][len(shared) :]
            ]
            payload = {**report.payload, "personnes": {**report.payload["personnes"], "cles": keys}}
            db.session.add(ReceivedReport(
                federation_id=federation_id, territory_slug=f"banc-{n:03d}", territory_name=f"Territoire du banc {n:03d}",
                period_kind="annee", period_start=start, period_end=date(start.year, 12, 31), version=1,
                format=report.format, payload=payload, summary=reception.summary(payload), digest=report.digest,
                person_keys=[reception.short_key(key) for key in keys], key_id="banc", transport="local",
            ))  # fmt: skip
        db.session.commit()
        db.session.remove()


#: the least the consolidation reads: the latest summary of each member, and its keys counted once
_BARE = text(
    "SELECT DISTINCT ON (territory_slug) id, summary FROM received_reports WHERE federation_id = :f "
    "AND period_kind = 'annee' AND period_start = :s ORDER BY territory_slug, version DESC"
)
_BARE_DISTINCT = text(
    "SELECT count(DISTINCT key) FROM received_reports r, unnest(r.person_keys) AS key "
    "WHERE r.federation_id = :f AND r.id = ANY(:ids)"
)


def _bare(federation_id: int, start: date) -> tuple[int, int]:
    rows = db.session.execute(_BARE, {"f": federation_id, "s": start}).all()
    ids = [row.id for row in rows]
    return len(rows), db.session.execute(_BARE_DISTINCT, {"f": federation_id, "ids": ids}).scalar_one()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--tenant", default="grand-territoire")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    app = make_app(args.database_url, args.redis_url)
    setup = prepare(app, args.tenant)
    start = date(args.year, 1, 1)
    with app.app_context():
        federation_id = _federation(setup.tenant_id)
        pushes = sorted(_push_once(federation_id, setup.tenant_id, start) for _ in range(args.rounds))
        with context.scoped(setup.tenant_id):
            tenants_api.enter_tenant(setup.tenant_id, None)
            scope = bilans.resolve_scope("territoire")
            bilan_ms, _ = _timed(
                lambda: bilans.compute("annuel", scope, bilans.Period.of("annee", args.year)), args.rounds
            )
            db.session.remove()
        _copies(federation_id, start)
        with context.scoped(None, federation_id=federation_id):
            console_ms, found = _timed(
                lambda: console.consolidate(federation_id, "annee", start), args.rounds
            )
            bare_ms, (reports, distinct) = _timed(lambda: _bare(federation_id, start), args.rounds)
            export_ms, _ = _timed(lambda: exports.workbook(found, CODE), 1)
            db.session.remove()
    push_ms = pushes[len(pushes) // 2]
    print(f"Territoire {args.tenant}, année {args.year} ({setup.sizes.get('missions', 0)} missions)")
    print(f"Envoi annuel (construit, signé, reçu)  {push_ms:8.1f} ms   bilan annuel seul {bilan_ms:8.1f} ms"
          f"   ratio {push_ms / bilan_ms:5.2f}   cible < {TARGETS['push']:.0f} ms")  # fmt: skip
    print(f"Console, {len(found.reports)} territoires         {console_ms:8.1f} ms   SQL nu {bare_ms:8.1f} ms ({reports} rapports)"
          f"   ratio {console_ms / bare_ms:5.2f}   cible < {TARGETS['console']:.0f} ms")  # fmt: skip
    same = "identique au SQL nu" if distinct == found.distinct_people else f"SQL nu : {distinct}"
    print(f"Personnes distinctes sur {len(found.reports)} territoires : {found.distinct_people} ({same})")
    print(f"Classeur de la consolidation ({len(found.members)} territoires) : {export_ms:8.1f} ms")


if __name__ == "__main__":
    main()
