"""Minimisation proved (issue 15): whoever is not the guichet, nor the structure that employs,
sends or follows a person, reads no personal data of that person.

Every route and report reachable by four audiences is walked, with their own ids, its links and
downloads followed (XLSX, CSV, PDF and JSON read as text): a donneur d'ordre (its space), a partner
of another structure than the one holding the people (the rival ETTI and the rival France Travail:
the whole portal and the partner API), a coordinator of the Département (its console) and the
Département as receiver (the reports stored on its side, its receiver's answers, its downloads).
No answer may hold a participant's last or first name, birth date, email or phone, nor a criterion
of their eligibility tied to them (tests/privacy/minimisation.py says how each is looked for). A
rule of these blueprints this test does not know, or a URL variable it cannot fill, fails it.

The positive control: the same scanner finds all of it on the facilitateur's own file of a person.
"""

from __future__ import annotations

import itertools
import json
from datetime import date

import pytest
from sqlalchemy import text

from saas import clock
from saas.db import db
from saas.federation import building, keys, outbox
from tests.conventions.world import in_tenant
from tests.fixtures import login
from tests.privacy import scene as scenes
from tests.privacy.minimisation import Document, Person, Scanner, Walk, json_document, read_document
from tests.tenants.test_isolation_routes import PUBLIC, TENANT_OBJECTS

#: the rules of each space, each known here by name: a new one fails the walk until it is added
SPACES = {
    "acheteur": {
        "acheteur.home",
        "acheteur.marche",
        "acheteur.bilans_list",
        "acheteur.bilan",
        "acheteur.bilan_workbook",
        "acheteur.bilan_pdf",
        "acheteur.bilan_table_csv",
        "acheteur.schedule_stop",
        "acheteur.clause_aid",
    },
    "portail": {
        "portail.home",
        "portail.followed",
        "portail.followed_person",
        "portail.candidates",
        "portail.candidate",
        "portail.prescription_new",
        "portail.declaration",
        "portail.calendar",
        "portail.team",
        "portail.imports",
        "portail.import_preview",
        "portail.import_abandon",
        "portail.import_confirm",
        "portail.import_template",
        "portail.missions",
        "portail.mission",
        "portail.evaluation",
        "portail.weekly",
        "portail.semester",
    },
    "api_partenaire": {"api_partenaire.PartnerMissions", "api_partenaire.PartnerStatements"},
    "departement": {
        "departement.home",
        "departement.export_pdf",
        "departement.export_xlsx",
        "departement.territory",
        "departement.funding_page",
        "departement.funding_payment",
        "departement.funding_piece",
        "departement.meeting_add",
        "departement.marches",
        "departement.marche_lot",
        "departement.lot_assign",
    },
    "reception": {"reception.receive", "reception.handed_lots"},
}
#: what every signed-in person reaches beside their space (their spaces, their account)
ACCOUNT_PAGES = ("/espaces", "/compte/securite")


@pytest.fixture
def scene(app, two_tenants):
    return scenes.build(app, two_tenants[0])


def rules_of(app, space: str) -> list:
    rules = sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint.split(".")[0] == space), key=lambda r: r.rule
    )
    found = {r.endpoint for r in rules}
    assert found - SPACES[space] == set(), (
        f"rules of {space} this test does not know: {found - SPACES[space]}"
    )
    assert SPACES[space] - found == set(), f"rules of {space} gone: {SPACES[space] - found}"
    return rules


def urls_of(app, rule, values: dict[str, list]) -> list[str]:
    """The rule with each combination of the values given for its variables."""
    missing = rule.arguments - values.keys()
    assert not missing, f"{rule.endpoint}: the test cannot fill <{', '.join(sorted(missing))}>"
    names = sorted(rule.arguments)
    with app.test_request_context(base_url="https://localhost"):
        return [
            app.url_for(rule.endpoint, **dict(zip(names, combination, strict=True)))
            for combination in itertools.product(*(values[name] for name in names))
        ]


def walk_space(
    walk: Walk, space: str, values: dict[str, list], closed=frozenset(), form: dict | None = None
) -> None:
    """Every GET rule of ``space`` with ``values``, the links and downloads found, then every POST
    rule (a form with its CSRF token and ``form``). A GET rule answers 200, or 404 when ``closed``."""
    answered, posts = {}, []
    for rule in rules_of(walk.app, space):
        for url in urls_of(walk.app, rule, values):
            if "GET" in rule.methods:
                answered[url] = (rule.endpoint, walk.get(url).status_code)
            if "POST" in rule.methods:
                posts.append((rule.endpoint, url))
    walk.crawl()
    for endpoint, url in posts:
        assert walk.post(url, form).status_code < 500, f"POST {endpoint}"
    wrong = {
        url: status
        for url, (endpoint, status) in answered.items()
        if status != (404 if endpoint in closed else 200)
    }
    assert not wrong, f"answers other than 200 (404 for {sorted(closed)}): {wrong}"


#: the tenant rules open to every member, whatever their role
OPEN_TO_MEMBERS = {"compte.notifications"}


def walk_outside(walk: Walk, world, own: set[str]) -> None:
    """Every other rule of a tenant and of the API, as the audience (its session, its token):
    each refuses it (none but ``OPEN_TO_MEMBERS`` answers 200), and what it answers names no one."""
    opened = set()
    for rule in sorted(walk.app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in PUBLIC or rule.endpoint.split(".")[0] in own:
            continue
        if not rule.rule.startswith(("/t/<tenant_slug>", "/api/v1/")):
            continue
        (url,) = urls_of(walk.app, rule, _any_ids(rule, world))
        if rule.rule.startswith("/t/"):
            answers = [walk.get(url) if "GET" in rule.methods else walk.post(url)]
        else:
            methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
            answers = [walk.call(m, url, None if m == "GET" else {}) for m in methods]
        opened |= {rule.endpoint for answer in answers if answer.status_code == 200}
    assert opened <= OPEN_TO_MEMBERS, f"rules outside its space open to the audience: {opened}"


def _any_ids(rule, world) -> dict[str, list]:
    """The world's objects for the variables the isolation tests name, 1 for any other: outside
    its space a rule refuses the audience before it reads an object."""
    values: dict[str, list] = {"tenant_slug": [world.slug]}
    for arg in rule.arguments - {"tenant_slug"}:
        values[arg] = [world.ids.get(TENANT_OBJECTS.get(arg, ""), 1)]
    return values


def assert_no_leak(walk: Walk, at_least: int) -> None:
    assert len(walk.visits) >= at_least, f"only {len(walk.visits)} answers read"
    assert not [v for v in walk.visits if v.status >= 500], [v.url for v in walk.visits if v.status >= 500]
    assert walk.leaks() == [], "personal data reached the audience:\n" + "\n".join(walk.leaks())


def assert_files_read(walk: Walk, kinds: set[str]) -> None:
    """The downloads were read as text (an unreadable one would hide what it says)."""
    read = {d.kind for d in walk.documents if d.text.strip()}
    assert kinds <= read, f"not read: {kinds - read}"
    empty = [d.url for d in walk.documents if d.kind in ("pdf", "xlsx", "csv") and len(d.text) < 40]
    assert not empty, f"read as empty: {empty}"


def mails_to(walk: Walk, engine, email: str) -> int:
    """The mails the person was sent, with their attachments, read into the walk: how many."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT m.id, m.subject, m.body, a.filename, a.mimetype, a.content FROM outgoing_mails m "
                "LEFT JOIN mail_attachments a ON a.tenant_id = m.tenant_id AND a.mail_id = m.id "
                "WHERE m.to_address = :email"
            ),
            {"email": email},
        ).all()
    for row in rows:
        said = f"{row.subject}\n{row.body}"
        walk.record(Document(f"mail/{row.id}", "mail", said, tuple(said.splitlines())))
        if row.filename:
            walk.record(
                read_document(f"mail/{row.id}/{row.filename}", row.content, row.mimetype, row.filename)
            )
    return len({row.id for row in rows})


# --- the scanner, and the positive control ----------------------------------------------------------

SAMPLE = Person(
    "P-2026-00042",
    "Quistrebert",
    "Ysaline",
    date(1990, 3, 12),
    "ysaline.quistrebert@exemple.fr",
    "06 71 82 93 04",
    ("travailleur_handicape", "Travailleur handicapé (RQTH)"),
)


def _kinds(said: str, mimetype: str = "text/html") -> set[str]:
    document = read_document("/", said.encode(), mimetype)
    return {f.split(": ")[1].split(" «")[0] for f in Scanner([SAMPLE]).findings(document)}


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        ("<td>QUISTREBERT</td>", "last name"),
        ("Ysaline, bienvenue", "first name"),
        ("née le 12/03/1990", "birth date"),
        ('<input value="1990-03-12">', "birth date"),
        ("née le 12 mars 1990", "birth date"),
        ("Ysaline.Quistrebert@exemple.fr", "email"),
        ("tél. 06.71.82.93.04", "phone"),
        ("+33 6 71 82 93 04", "phone"),
        ("<tr><td>P-2026-00042</td><td>Travailleur handicapé (RQTH)</td></tr>", "criterion"),
        (
            "<dl><dt>Dossier</dt><dd>P-2026-00042</dd><dt>Critère</dt><dd>Travailleur handicapé (RQTH)</dd></dl>",
            "criterion",
        ),
        (
            "<h1>Ysaline Quistrebert</h1><table><tr><td>Travailleur handicapé (RQTH)</td></tr></table>",
            "criterion",
        ),
    ],
)
def test_the_scanner_finds_each_kind_of_personal_data(said, kind):
    assert kind in _kinds(said)


def test_the_scanner_reads_a_criterion_in_a_json_object_and_a_csv_line():
    assert "criterion" in _kinds(
        '{"items": [{"reference": "P-2026-00042", "criteres": ["travailleur_handicape"]}]}',
        "application/json",
    )
    assert "criterion" in _kinds("Référence;Critère\nP-2026-00042;Travailleur handicapé (RQTH)\n", "text/csv")


@pytest.mark.parametrize(
    "said",
    [
        "<tr><td>Travailleur handicapé (RQTH)</td><td>1</td></tr><tr><td>P-2026-00042</td><td>7 h</td></tr>",
        "Quistreberts 1990-03-120 06 71 82 93 0",
        "P-2026-00042 ; 12,5 h ; Ville A",
    ],
)
def test_the_scanner_takes_aggregates_and_references_for_no_person(said):
    assert _kinds(said) == set()


def test_the_scanner_takes_aggregates_in_json_for_no_person():
    said = '{"statut": [{"label": "Travailleur handicapé (RQTH)", "personnes": 1}], "lignes": [{"reference": "P-2026-00042", "heures": "7"}]}'
    assert _kinds(said, "application/json") == set()


def test_positive_control_the_facilitateurs_own_file_shows_all_of_it(app, scene, client):
    a, person_id = scene.world, scene.ids["quistrebert_id"]
    person = scene.people[person_id]
    login(client, a.facilitateur_email)
    walk = Walk(app, client, Scanner([person]), ())
    assert walk.get(f"/t/{a.slug}/participants/{person_id}").status_code == 200
    assert walk.get(f"/t/{a.slug}/participants/{person_id}/modifier").status_code == 200
    file, form = ({f.split(" «")[0] for f in visit.findings} for visit in walk.visits)
    ref = person.reference
    assert {f"{ref}: {kind}" for kind in ("last name", "first name", "birth date", "email", "phone")} <= file
    assert f"{ref}: criterion" in file, "the criteria of the person's file, tied to their name"
    assert any("1990-03-12" in f for f in walk.visits[1].findings), "the ISO date of the form"
    assert {f"{ref}: last name", f"{ref}: birth date"} <= form


# --- (1) a donneur d'ordre --------------------------------------------------------------------------


def test_a_donneur_d_ordre_reads_no_person_in_its_space(app, scene, client, superuser_engine):
    a = scene.world
    login(client, a.buyer_email)
    walk = Walk(app, client, Scanner(scene.all_but()), (f"/t/{a.slug}/acheteur/",))
    for page in (*ACCOUNT_PAGES, f"/t/{a.slug}/compte/notifications"):
        walk.get(page)
    values = {
        "tenant_slug": [a.slug],
        "marche_id": [a.ids["marche_id"]],
        "bilan_id": scene.bilans,
        "schedule_id": [a.ids["schedule_id"]],
    }
    walk_space(walk, "acheteur", values)
    walk_outside(walk, a, {"acheteur"})
    assert mails_to(walk, superuser_engine, a.buyer_email) >= 2, "the bilans sent to it, by mail"
    assert_files_read(walk, {"html", "xlsx", "pdf", "csv", "mail"})
    reference = scene.people[scene.ids["quistrebert_id"]].reference
    listed = {d.kind for d in walk.documents if reference in d.text}
    assert {"html", "xlsx", "csv", "pdf"} <= listed, f"positive control: people by reference: {listed}"
    assert_no_leak(walk, at_least=30)


# --- (2) a partner of another structure -------------------------------------------------------------


def _rival(scene, who: str) -> tuple[str, int, dict[str, list], frozenset[str]]:
    """The rival's email, its own person, its own ids, the portal rules closed to its kind."""
    a = scene.world
    if who == "etti":
        values = {
            "mission_id": [a.ids["rival_mission_id"]],
            "import_id": [a.ids["rival_import_id"], scene.ids["fishing_import_id"]],
            "participant_id": [a.ids["rival_participant_id"]],
        }
        closed = {"portail.prescription_new", "portail.candidates", "portail.candidate", "portail.followed"}
        return (
            a.rival_email,
            a.ids["rival_participant_id"],
            values,
            frozenset(closed | {"portail.followed_person"}),
        )
    # a prescriber has no mission nor import: those rules take the ETTI's, and answer 404
    values = {
        "mission_id": [a.ids["rival_mission_id"]],
        "import_id": [a.ids["rival_import_id"]],
        "participant_id": [a.ids["rival_candidate_id"]],
    }
    employer = {e for e in SPACES["portail"] if e.startswith(("portail.mission", "portail.import"))}
    closed = employer | {"portail.declaration", "portail.evaluation", "portail.weekly", "portail.semester"}
    return scenes.RIVAL_PRESCRIBER_EMAIL, a.ids["rival_candidate_id"], values, frozenset(closed)


@pytest.mark.parametrize("who", ["etti", "prescripteur"])
def test_a_partner_of_another_structure_reads_none_of_the_others_people(
    app, scene, client, superuser_engine, who
):
    a = scene.world
    email, own, values, closed = _rival(scene, who)
    login(client, email)
    walk = Walk(app, client, Scanner(scene.all_but(own), [scene.people[own]]), (f"/t/{a.slug}/portail/",))
    for page in (*ACCOUNT_PAGES, f"/t/{a.slug}/compte/notifications"):
        walk.get(page)
    walk_space(walk, "portail", {"tenant_slug": [a.slug], **values}, closed, _fishing_form(scene))
    _walk_with_the_others_ids(walk, scene)
    walk_outside(walk, a, {"portail", "api_partenaire"})
    assert mails_to(walk, superuser_engine, email) >= 2, "the bilans sent to it, by mail"
    assert any(d.kind == "xlsx" and d.url.startswith("mail/") for d in walk.documents), "attached"
    # its own person's page: the mission (an employer) or the candidate (a prescriber), by its path
    own_paths = (f"/missions/{a.ids['rival_mission_id']}", f"/candidats/{own}")
    own_pages = [d for d in walk.documents if d.kind == "html" and d.url.split("?")[0].endswith(own_paths)]
    mine = Scanner([scene.people[own]])
    assert any(mine.findings(d) for d in own_pages), "positive control: its own person's page names them"
    assert_no_leak(walk, at_least=25)
    if who == "prescripteur":
        _fishing_prescription(app, scene, client)


def _fishing_prescription(app, scene, client) -> None:
    """The rival prescriber sends a person the guichet knows (it knows her name and birth date):
    the prescription joins her file, and it learns nothing more of her (contact, criteria)."""
    a, person = scene.world, scene.people[scene.ids["quistrebert_id"]]
    typed = Person("", person.last_name, person.first_name, person.birth_date)
    own = scene.people[a.ids["rival_candidate_id"]]
    scanner = Scanner(scene.all_but(a.ids["rival_candidate_id"]), [own, typed])
    walk = Walk(app, client, scanner, (f"/t/{a.slug}/portail/",))
    form = {
        "last_name": person.last_name,
        "first_name": person.first_name,
        "birth_date": person.birth_date.isoformat(),
        "content": "Candidate motivée pour le second œuvre.",
        "consent": "y",
        "consent_on": clock.today().isoformat(),
    }
    assert walk.post(f"/t/{a.slug}/portail/candidats/nouveau", form).status_code == 302
    page = walk.documents[-1]
    assert "/portail/candidats/" in page.url and _named_in(page, person), "her candidate page"
    walk.crawl()
    assert_no_leak(walk, at_least=3)


def _named_in(document: Document, person: Person) -> bool:
    return person.last_name.casefold() in document.text.casefold()


def _fishing_form(scene) -> dict[str, str]:
    """A form naming the SIAE's mission and person in the fields the portal's forms read per
    mission or person (hours, weekly word, evaluation): each form reads its own missions only."""
    mission, person = scene.world.ids["mission_id"], scene.ids["quistrebert_id"]
    return {
        f"travaillees-{mission}": "7",
        f"situation-{mission}": "bien",
        f"note-{mission}": "RAS",
        "mission_id": str(mission),
        "participant_id": str(person),
        "semaine": clock.today().isoformat(),
    }


def _walk_with_the_others_ids(walk: Walk, scene) -> None:
    """Every portal rule with a variable, with the ids of the SIAE's and the Mission Locale's
    objects: each answers 404 and says nothing of them."""
    a = scene.world
    others = {
        "tenant_slug": [a.slug],
        "mission_id": [a.ids["mission_id"]],
        "import_id": [a.ids["import_id"]],
        "participant_id": [a.ids["participant_id"], scene.ids["quistrebert_id"], scene.ids["vautrin_id"]],
    }
    for rule in rules_of(walk.app, "portail"):
        if rule.arguments == {"tenant_slug"}:
            continue
        for url in urls_of(walk.app, rule, others):
            answer = walk.get(url) if "GET" in rule.methods else walk.post(url)
            assert answer.status_code == 404, (
                f"{rule.endpoint} with another structure's id: {answer.status_code}"
            )


@pytest.mark.parametrize("who", ["etti", "prescripteur"])
def test_the_partner_api_gives_another_structure_none_of_the_others_people(app, scene, client, who):
    a = scene.world
    token = scene.rival_token if who == "etti" else scene.rival_prescriber_token
    own = a.ids["rival_participant_id"] if who == "etti" else a.ids["rival_candidate_id"]
    walk = Walk(
        app,
        client,
        Scanner(scene.all_but(own), [scene.people[own]]),
        (),
        {"Authorization": f"Bearer {token}"},
    )
    month = clock.today().replace(day=1).isoformat()
    fishing = {"releves": [{"mission_id": a.ids["mission_id"], "month": month, "worked_hours": "7"}]}
    for rule in rules_of(app, "api_partenaire"):
        (url,) = urls_of(app, rule, {})
        assert walk.get(url).status_code == 200, rule.endpoint
        walk.get(f"{url}?per_page=100")
        if "POST" in rule.methods:
            assert walk.post(url, body=fishing).status_code == 422, "another structure's mission"
            assert walk.post(url, body={}).status_code == 422
    if who == "etti":
        missions = walk.documents[0]
        assert Scanner([scene.people[own]]).findings(missions), "positive control: its own people, named"
    assert_no_leak(walk, at_least=6)


# --- (3) a coordinator of the Département -------------------------------------------------------------


def received_periods(engine, federation_id: int) -> list[str]:
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT DISTINCT period_kind, period_start FROM received_reports WHERE federation_id = :f"),
            {"f": federation_id},
        ).all()
    return [f"{kind}:{start.isoformat()}" for kind, start in rows]


def _console_downloads(walk: Walk, a, periods: list[str]) -> None:
    """The console and its downloads for each period received (the period is chosen in a form)."""
    for period in periods:
        for page in ("", "export.xlsx", "export.pdf", f"territoires/{a.slug}"):
            url = f"/departements/{a.federation_code}/{page}?periode={period}"
            assert walk.get(url).status_code == 200, url


def test_a_departement_coordinator_reads_no_person_in_its_console(app, scene, client, superuser_engine):
    a = scene.world
    login(client, a.coordinator_email)
    walk = Walk(app, client, Scanner(scene.all_but()), (f"/departements/{a.federation_code}/",))
    for page in ACCOUNT_PAGES:
        walk.get(page)
    values = {
        "code": [a.federation_code],
        "slug": [a.slug],
        "post_id": [a.ids["post_id"]],
        "kind": ["fiche_poste"],
        "marche_id": [a.ids["federation_marche_id"]],
        "lot_id": [a.ids["federation_lot_id"]],
    }
    walk_space(walk, "departement", values)
    walk_outside(walk, a, {"departement"})
    _console_downloads(walk, a, received_periods(superuser_engine, a.federation_id))
    assert_files_read(walk, {"html", "xlsx", "pdf"})
    assert_no_leak(walk, at_least=15)


# --- (4) what the Département receives ----------------------------------------------------------------


def _new_year_report(app, a) -> tuple[bytes, keys.Signed, keys.Signed, int]:
    """This year's report as the territory would send it now, signed; and a signed request for
    the lots handed to the territory, with its time."""
    with app.app_context(), in_tenant(a.tenant_id):
        member = outbox.membership(a.federation_id)
        assert member is not None
        body = building.encode(outbox.preview(member, "annee", date(clock.today().year, 1, 1)))
        signed = keys.sign(a.federation_id, a.slug, body)
        now = int(clock.now().timestamp())
        lots = keys.sign(a.federation_id, a.slug, keys.request_material(a.federation_code, a.slug, now))
        db.session.commit()  # a key made on first use is kept
        db.session.remove()
    return body, signed, lots, now


def _stored(engine, federation_id: int) -> list[Document]:
    """What the Département keeps of each report: the whole payload, its summary, the keys."""
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, payload, summary, person_keys FROM received_reports WHERE federation_id = :f"),
            {"f": federation_id},
        ).all()
    return [
        json_document(f"received_reports/{row.id}", [row.payload, row.summary, row.person_keys])
        for row in rows
    ]


def test_what_the_departement_receives_names_no_person(app, scene, client, superuser_engine):
    a = scene.world
    rules_of(app, "reception")
    walk = Walk(app, client, Scanner(scene.all_but()), ())
    body, signed, lots, now = _new_year_report(app, a)
    receiver = f"/federation/v1/departements/{a.federation_code}/rapports"
    sent = {"data": body, "headers": {"Content-Type": "application/json", **signed.headers()}}
    assert walk.scan(receiver, "POST", client.post(receiver, **sent)).records, "the receipt"
    assert walk.visits[-1].status == 201
    walk.scan(receiver, "POST", client.post(receiver, **sent))  # again: the receipt says so
    assert walk.visits[-1].status == 200
    forged = {**sent, "headers": {**sent["headers"], keys.SIGNATURE_HEADER: "0" * 64}}
    walk.scan(receiver, "POST", client.post(receiver, **forged))
    assert walk.visits[-1].status == 401
    handed = f"/federation/v1/departements/{a.federation_code}/lots?territoire={a.slug}"
    walk.headers = {**lots.headers(), keys.DATE_HEADER: str(now)}
    assert walk.get(handed).status_code == 200
    stored = _stored(superuser_engine, a.federation_id)
    assert len(stored) >= 3, "the fixture's month, the scene's new version of it, this year's"
    for document in stored:
        walk.record(document)
    _the_report_counts_the_scene(stored, scene)
    walk.headers = {}
    login(client, a.coordinator_email)
    walk.paths = (f"/departements/{a.federation_code}/",)
    _console_downloads(walk, a, received_periods(superuser_engine, a.federation_id))
    assert_files_read(walk, {"json", "xlsx", "pdf"})
    assert_no_leak(walk, at_least=12)


def _the_report_counts_the_scene(stored: list[Document], scene) -> None:
    """Positive control: the reports stored count the scene's people (one key each, never their
    identity): this year's counts the fixture's two employees and the scene's."""
    placed = {
        scene.world.ids["participant_id"],
        scene.world.ids["rival_participant_id"],
        scene.ids["quistrebert_id"],
    }
    counts = [json.loads(d.text)[1]["personnes"]["nombre"] for d in stored]
    assert max(counts) == len(placed), counts
