"""The processing register and the participants' notice (issue 15, part 3).

Rules: every column of every table that holds a participant's data is declared in the inventory
(and nothing is declared that is not stored), so the register cannot drift from the schema; the
register lists the tenant's own recipients and its own durations, and the notice says the same;
what the admin must fill in is said, never left blank; every security measure names code that
exists; the pages are the tenant admin's, refuse bad input in French, and the PDF is a real one.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pypdf
from sqlalchemy import Column, ForeignKey, MetaData, String, Table, text

from saas import bounds
from saas import settings as rule_settings
from saas.db import Model, db
from saas.demo.territories import CONTROLLERS, TERRITORIES, load_demo
from saas.demo.year import YearSize
from saas.partenaires import api as partenaires
from saas.privacy import inventory, notice, register
from tenants import api as tenants_api
from tests.builders import in_scope
from tests.fixtures import ACTOR, login
from tests.web import post, refused_page, text_of

ROOT = Path(__file__).resolve().parents[2]


# --- the inventory and the schema ----------------------------------------------------------------


def personal_tables(metadata: MetaData) -> set[str]:
    """The tables that hang off ``participants`` by their foreign keys, at any depth, and those
    that keep a participant's data without one (``inventory.UNLINKED``)."""
    children: dict[str, set[str]] = {}
    for table in metadata.tables.values():
        for key in table.foreign_key_constraints:
            children.setdefault(key.referred_table.name, set()).add(table.name)
    found, todo = set(), ["participants"]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found | {"participants"} | (inventory.UNLINKED & set(metadata.tables))


def undeclared(metadata: MetaData) -> list[str]:
    """``table.column`` of every column of a personal table that the inventory does not declare."""
    declared = inventory.by_table()
    missing = []
    for name in sorted(personal_tables(metadata)):
        columns = declared[name].columns() if name in declared else set()
        missing += [
            f"{name}.{column.name}" for column in metadata.tables[name].columns if column.name not in columns
        ]
    return missing


def test_every_column_of_a_participant_s_data_is_declared(app):
    assert undeclared(Model.metadata) == [], "declare these columns in saas/privacy/inventory.py"


def test_nothing_is_declared_that_is_not_stored(app):
    tables = Model.metadata.tables
    ghosts = [item.table for item in inventory.INVENTORY if item.table not in tables]
    ghosts += [
        f"{item.table}.{datum.column}"
        for item in inventory.INVENTORY
        if item.table in tables
        for datum in item.data
        if datum.column not in tables[item.table].columns
    ]
    assert ghosts == []
    assert {item.table for item in inventory.INVENTORY} == personal_tables(Model.metadata)


def test_the_drift_check_finds_a_new_column_and_a_new_table(app):
    copy = MetaData()
    for table in Model.metadata.sorted_tables:
        table.to_metadata(copy)
    copy.tables["participant_identities"].append_column(Column("nickname", String(40)))
    Table(
        "participant_notes",
        copy,
        Column("id", String, primary_key=True),
        Column("participant_id", ForeignKey("participants.id")),
    )
    assert undeclared(copy) == [
        "participant_identities.nickname",
        "participant_notes.id",
        "participant_notes.participant_id",
    ]


def test_sensitive_data_is_marked_so():
    by_table = inventory.by_table()
    criterion = next(d for d in by_table["eligibility_criteria"].data if d.column == "criterion_code")
    freins = next(d for d in by_table["participants"].data if d.column == "freins")
    name = next(d for d in by_table["participant_identities"].data if d.column == "last_name")
    assert criterion.sensitive and freins.sensitive and not name.sensitive


def test_no_column_holds_a_social_security_number(app):
    """The register says it: no NIR, anywhere."""
    nir = re.compile(r"(^|_)(nir|secu|securite_sociale|social_security|ssn)(_|$)")
    found = [
        f"{t.name}.{c.name}" for t in Model.metadata.tables.values() for c in t.columns if nir.search(c.name)
    ]
    assert found == []


def test_the_register_says_who_must_use_a_second_factor(app, two_tenants):
    a, _ = two_tenants
    said = in_scope(app, a, lambda: " ".join(m.text for m in register.build().measures))
    assert "vous pouvez l'exiger de tous" in said and "de tous les utilisateurs" not in said
    query = text("UPDATE tenants SET mfa_required = true WHERE id = :id")
    in_scope(app, a, lambda: db.session.execute(query, {"id": a.tenant_id}))
    said = in_scope(app, a, lambda: " ".join(m.text for m in register.build().measures))
    assert "sur ce territoire, de tous les utilisateurs" in said


def test_every_security_measure_names_code_that_exists():
    for mfa_for_all in (False, True):
        for measure in register.measures(mfa_for_all):
            assert measure.evidence, measure.text
            assert all((ROOT / path).is_file() for path in measure.evidence), measure.evidence


# --- the register of a tenant ------------------------------------------------------------------------


def _recipients(built: register.Register) -> dict[str, tuple[str, ...]]:
    return {r.label: r.organisations for r in built.recipients}


def test_the_register_lists_the_tenant_s_own_recipients(app, two_tenants):
    a, _ = two_tenants

    def built():
        partenaires.deactivate(ACTOR, partenaires.get(a.ids["organisation_id"]))  # the SIAE leaves
        return register.build()

    made = in_scope(app, a, built)
    found = _recipients(made)
    assert found["Agents du guichet (facilitateurs et administrateurs du territoire)"] == ("Territoire A",)
    employers = found[register.KINDS[0][0]]
    assert "ETTI rivale a" in employers and "EA a" in employers and "SIAE a" not in employers
    assert "Mission Locale a" in found["Prescripteurs"]
    # the organisations the guichet made the referent of a participant, and they only
    assert set(found["Organismes référents de l'accompagnement"]) == {
        "Mission Locale a",
        "France Travail rival a",
    }
    assert "Ville a" in found["Donneurs d'ordre"]
    assert found["Départements auxquels le territoire rend compte"] == ("Département 79",)
    assert "Financeurs et services de l'État" not in found  # the tenant has none
    names = [name for names in found.values() for name in names]
    assert not [name for name in names if name.endswith((" b", " B", " 93"))]  # nothing of the other tenant
    told = _notice_text(notice.notice(made))  # the notice tells the same recipients, and them only
    assert (
        "L'entreprise ou la structure qui vous emploie" in told
        and "Département 79 reçoit des chiffres" in told
    )
    assert "Les financeurs du guichet" not in told


def test_the_register_and_the_notice_follow_the_settings(app, two_tenants):
    a, _ = two_tenants

    def made() -> tuple[str, str]:
        built = register.build()
        return " ".join(e.detail for e in built.durations), _notice_text(notice.notice(built))

    durations, told = in_scope(app, a, made)
    assert (
        "24 mois (2 ans) après le dernier contact" in durations
        and "36 mois (3 ans) après le mois" in durations
    )
    assert "attend que l'administrateur du territoire la confirme" in durations
    assert "Nous gardons votre dossier 24 mois (2 ans)" in told and "gardée 12 mois (1 an)." in told
    in_scope(
        app,
        a,
        lambda: rule_settings.set_values(
            ACTOR,
            retention_months_after_contact=18,
            proof_retention_months=48,
            access_log_retention_months=6,
            retention_mode="automatique",
        ),
    )
    durations, told = in_scope(app, a, made)
    assert "18 mois après le dernier contact" in durations and "48 mois (4 ans) après le mois" in durations
    assert "le service efface de lui-même" in durations and "24 mois" not in durations
    assert "Nous gardons votre dossier 18 mois après" in told and "au plus 48 mois (4 ans)" in told
    assert "gardée 6 mois." in told


def _notice_text(made: notice.Notice) -> str:
    parts = [made.title, made.lead]
    for section in made.sections:
        parts += [section.heading, *section.paragraphs, *section.items, *section.closing]
    return " ".join(parts)


def test_what_the_admin_must_fill_in_is_said_and_the_tenant_name_stands_in(app, two_tenants):
    a, _ = two_tenants
    built = in_scope(app, a, register.build)
    assert built.missing == (register.MISSING_CONTROLLER, register.MISSING_CONTACT)
    assert built.controller == "Territoire A" and built.contact == ""
    told = _notice_text(notice.notice(built))
    assert "Le responsable de vos données est Territoire A." in told
    assert "Adressez-vous au guichet des clauses sociales de Territoire A." in told

    def filled():
        rule_settings.set_values(
            ACTOR, privacy_controller="Ville de Test", privacy_contact="dpo@ville-test.fr"
        )
        return register.build()

    built = in_scope(app, a, filled)
    assert built.missing == () and built.controller == "Ville de Test"
    told = _notice_text(notice.notice(built))
    assert (
        "Le responsable de vos données est Ville de Test." in told
        and "Écrivez à : dpo@ville-test.fr." in told
    )
    assert "CNIL" in told and "un délai d'un mois" in told
    for right in ("accès", "rectification", "effacement", "limitation", "opposition", "portabilité"):
        assert f"({right})" in told or f"(droit d'{right})" in told, right


def test_the_register_and_the_notice_are_complete_for_the_demo_territories(app):
    with app.app_context():
        load_demo(YearSize(participants=0, marches=1), years=False)
    for spec in TERRITORIES:
        with app.app_context():
            tenant = tenants_api.tenant_by_slug(spec.slug)
        built = in_scope(app, _Tenant(tenant.id), register.build)
        assert built.missing == (), spec.slug
        assert built.controller == CONTROLLERS[spec.slug] and spec.slug in built.contact
        assert len(built.recipients) >= 3, spec.slug  # the guichet, its buyers, its partners
        made = notice.notice(built)
        assert made.controller == CONTROLLERS[spec.slug]
        assert f"Écrivez à : {built.contact}." in _notice_text(made)


class _Tenant:
    """What ``in_scope`` needs of a world: its tenant."""

    def __init__(self, tenant_id: int):
        self.tenant_id = tenant_id


# --- the pages ---------------------------------------------------------------------------------------

PAGES = ("registre", "registre/notice", "registre.xlsx", "registre/notice.pdf")


def test_the_pages_are_the_tenant_admin_s(two_tenants, client, client_factory):
    """As everywhere in the tenant, a role without access is answered 404, never 403 (tenants/web.py)."""
    a, _ = two_tenants
    login(client, a.admin_email)
    for page in PAGES:
        assert client.get(f"/t/{a.slug}/admin/{page}").status_code == 200, page
    for email in (a.facilitateur_email, a.partner_email, a.buyer_email):
        other = client_factory()
        login(other, email)
        for page in PAGES:
            assert other.get(f"/t/{a.slug}/admin/{page}").status_code == 404, (email, page)


def test_the_register_page_shows_the_tenant_s_register(two_tenants, client):
    a, _ = two_tenants
    login(client, a.admin_email)
    page = text_of(client.get(f"/t/{a.slug}/admin/registre"), collapse=True)
    assert "Responsable du traitement : à compléter" in page
    assert "Mission Locale a" in page and "Département 79" in page and "24 mois (2 ans)" in page
    assert "Critères d'éligibilité (données sensibles" in page and "Donnée sensible" in page
    assert "En partie : Freins à l'emploi (mobilité, logement, santé, situation judiciaire…)" in page


def test_the_form_sets_the_controller_and_the_contact(two_tenants, client):
    a, _ = two_tenants
    login(client, a.admin_email)
    url = f"/t/{a.slug}/admin/registre"
    values = {
        "privacy_controller": "Ville de Test, représentée par son maire",
        "privacy_contact": "dpo@ville-test.fr",
    }
    assert post(client, url, values).status_code == 302
    page = text_of(client.get(url), collapse=True)
    assert "Ville de Test, représentée par son maire" in page and "à compléter" not in page
    assert "Écrivez à : dpo@ville-test.fr." in text_of(client.get(url + "/notice"), collapse=True)


def test_bad_input_is_refused_in_french(two_tenants, client):
    a, _ = two_tenants
    login(client, a.admin_email)
    url = f"/t/{a.slug}/admin/registre"
    assert bounds.NUL_MESSAGE in refused_page(
        client, url, {"privacy_controller": "Ville\x00", "privacy_contact": ""}
    )
    too_long = refused_page(client, url, {"privacy_controller": "V" * 201, "privacy_contact": ""})
    assert rule_settings.MESSAGES["privacy_controller"] in too_long
    too_long = refused_page(client, url, {"privacy_controller": "", "privacy_contact": "d" * 301})
    assert rule_settings.MESSAGES["privacy_contact"] in too_long
    assert "Responsable du traitement : à compléter" in text_of(
        client.get(url), collapse=True
    )  # nothing saved


def test_the_notice_pdf_is_a_pdf_with_the_controller_s_name(app, two_tenants, client):
    a, _ = two_tenants
    in_scope(app, a, lambda: rule_settings.set_values(ACTOR, privacy_controller="Ville de Test"))
    login(client, a.admin_email)
    answer = client.get(f"/t/{a.slug}/admin/registre/notice.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.get_data().startswith(b"%PDF")
    assert answer.headers["Content-Disposition"].endswith(f'notice-participants-{a.slug}.pdf"')
    printed = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(answer.get_data())).pages)
    printed = " ".join(printed.split())
    assert "Le responsable de vos données est Ville de Test." in printed
    assert "Quels sont vos droits" in printed and "CNIL" in printed


def test_the_register_downloads_as_a_workbook(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.admin_email)
    answer = client.get(f"/t/{a.slug}/admin/registre.xlsx")
    assert answer.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(answer.get_data()))
    assert workbook.sheetnames == ["Registre", "Données", "Destinataires", "Durées"]
    cover = {row[0]: row[1] for row in workbook["Registre"].iter_rows(min_row=2, values_only=True)}
    assert cover["Responsable du traitement"] == "Territoire A"
    data = list(workbook["Données"].iter_rows(min_row=2, values_only=True))
    assert ("Identité et coordonnées", "Nom", "Identité", "non") in data
    assert any(row[1].startswith("Critère (") and row[3] == "oui" for row in data)
    assert len(data) == sum(len(item.data) for item in inventory.INVENTORY)
