"""The retention job and a person's export on the large territory of the bench database, each
beside the bare SQL under it (issue 15).

    uv run python -m bench.retention --database-url postgresql+psycopg://guichet_bench_app:…@127.0.0.1:5432/guichet_bench \\
        [--slug grand-territoire] [--people 1000] [--rounds 3]

Each round, in one transaction rolled back at its end (the bench database is left as it was):
- the survey of what the default durations erase today (``retention.survey``: the last contact of
  every participant of the territory, the proofs, documents, access logs and files due) beside
  the bare query of the participants whose recorded last contact is past the limit;
- the erasure of ``--people`` of the people due (``anonymise.erase``: identities, notes, CV,
  proofs, the audit details, the bilans' keys kept by their triggers) beside the bare UPDATE of
  their identities alone;
- the export of everything held about the person with the most statements (``rights.export``)
  beside the bare reading of her statements.
"""

from __future__ import annotations

import argparse
import time

from sqlalchemy import text

from bench.prepare import ACTOR, make_app
from bench.stats import percentile
from saas import clock, formats
from saas.db import db
from saas.participants import api as participants
from saas.privacy import anonymise, retention, rights
from tenants import api as tenants_api
from tenants import context

BARE_DUE = text(
    "SELECT id FROM participants WHERE tenant_id = :t AND anonymised_at IS NULL AND last_contact_on < :limit"
)
BARE_ERASE = text(
    "UPDATE participant_identities SET last_name = 'Anonyme', first_name = '', birth_date = NULL, email = NULL, "
    "phone = NULL WHERE tenant_id = :t AND participant_id = ANY(:ids)"
)
LARGEST = text(
    "SELECT m.participant_id FROM hour_statements s JOIN missions m ON m.tenant_id = s.tenant_id "
    "AND m.id = s.mission_id WHERE s.tenant_id = :t GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
)
BARE_EXPORT = text(
    "SELECT s.* FROM hour_statements s JOIN missions m ON m.tenant_id = s.tenant_id AND m.id = s.mission_id "
    "WHERE s.tenant_id = :t AND m.participant_id = :p"
)


def _timed(function):
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


def _round(tenant_id: int, people: int) -> dict:
    params = {"t": tenant_id, "limit": retention.limits(retention.rule(), clock.today())["personnes"]}
    surveyed, (due, _, counts) = _timed(lambda: retention.survey(retention.rule(), clock.today()))
    bare_survey, bare_due = _timed(lambda: db.session.execute(BARE_DUE, params).all())
    ids = [person.participant_id for person in due[:people]]
    erased, _ = _timed(lambda: anonymise.erase(ids))
    db.session.rollback()
    bare_erase, _ = _timed(lambda: db.session.execute(BARE_ERASE, {"t": tenant_id, "ids": ids}))
    db.session.rollback()
    largest = db.session.execute(LARGEST, {"t": tenant_id}).scalar_one()
    person = participants.get(largest)
    exported, made = _timed(lambda: rights.export(ACTOR, person))
    bare_export, _ = _timed(lambda: db.session.execute(BARE_EXPORT, {"t": tenant_id, "p": largest}).all())
    db.session.rollback()
    return {
        "participants": db.session.scalar(text("SELECT count(*) FROM participants")),
        "due": len(due), "bare_due": len(bare_due), "counts": counts, "erased_people": len(ids),
        "survey": surveyed, "bare_survey": bare_survey, "erase": erased, "bare_erase": bare_erase,
        "export": exported, "bare_export": bare_export, "rows": sum(len(rows) for _, rows in made.sections),
    }  # fmt: skip


def render(rounds: list[dict]) -> str:
    def median(key: str) -> float:
        return percentile([r[key] for r in rounds], 50)

    first = rounds[0]
    lines = [
        f"Territoire de {formats.number(first['participants'])} participants ; {formats.number(first['due'])} "
        f"dossiers dus aux durées par défaut ({formats.number(first['bare_due'])} par la seule date du dernier "
        f"contact enregistré), médiane de {len(rounds)} tours :",
        "",
        "| étape | service (s) | SQL nu (s) | rapport |",
        "|---|---:|---:|---:|",
    ]
    for label, key in (
        ("ce qui est dû (simulation)", "survey"),
        (f"effacement de {formats.number(first['erased_people'])} personnes", "erase"),
        (f"export d'une personne ({formats.number(first['rows'])} lignes)", "export"),
    ):
        ratio = median(key) / median(f"bare_{key}")
        lines.append(f"| {label} | {median(key):.3f} | {median(f'bare_{key}'):.3f} | {ratio:.1f} |")
    counts = ", ".join(
        f"{retention.COUNT_LABELS[k].lower()} : {formats.number(v)}" for k, v in first["counts"].items()
    )
    return "\n".join([*lines, "", f"Ce que la simulation compte : {counts}."])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--slug", default="grand-territoire")
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    app = make_app(args.database_url, args.redis_url)
    with app.app_context():
        with context.scoped(platform=True):
            tenant = tenants_api.tenant_by_slug(args.slug)
            if tenant is None:
                raise SystemExit(f"territoire inconnu : {args.slug}")
            tenant_id = tenant.id
            db.session.remove()
        with context.scoped(tenant_id):
            rounds = [_round(tenant_id, args.people) for _ in range(args.rounds)]
            db.session.remove()
    print(render(rounds))


if __name__ == "__main__":
    main()
