"""Importing a spreadsheet of statements: every format people send (XLSX, XLS, CSV with ``;`` or
``,``, UTF-8 or Windows-1252, dates dd/mm/yyyy), columns recognised or chosen, a preview that
writes nothing and reports each bad line, then all the valid lines or none; a file imported twice
writes nothing twice; a partner's file reaches only the missions it employs."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal as D

import openpyxl
import pytest
import xlwt
from sqlalchemy import func, select

from saas import sheets
from saas.audit.models import AuditEntry
from saas.db import db
from saas.errors import DomainError, ValidationError
from saas.heures import imports
from saas.heures.models import HourImport, Releve
from saas.parcours import api as parcours
from saas.partenaires import api as partenaires
from saas.participants import api as participants
from tests.builders import SIRETS, built_world, eligible_participant, in_world, place
from tests.fixtures import ACTOR

HEADER = ["Nom", "Prénom", "Mois", "Heures travaillées", "Heures de formation"]


@pytest.fixture
def world(app):
    return built_world(app, "imports")


@pytest.fixture
def scope(app, world):
    with in_world(app, world):
        for name in ("Martin", "Éloïse"):
            participant_id = eligible_participant(name)
            world.participants.append(participant_id)
            world.missions.append(place(world, participant_id, world.lots[0]))
        db.session.flush()
        yield world


def _csv(rows, delimiter=";", encoding="utf-8") -> bytes:
    return "\n".join(delimiter.join(row) for row in rows).encode(encoding)


def _statements() -> int:
    return db.session.scalar(select(func.count()).select_from(Releve))


def _import(content: bytes, organisation_id=None, filename="releves.csv"):
    record = imports.receive(ACTOR, filename, content, organisation_id)
    return record, imports.preview(record)


GOOD = [
    HEADER,
    ["MARTIN", "Camille", "15/03/2025", "120,5", "7"],
    ["Eloise", "camille", "03/2025", "100", ""],
]


def test_csv_with_semicolons_in_latin1_is_read_with_its_accents_and_french_decimals(scope):
    record, preview = _import(_csv(GOOD, ";", "cp1252"))
    assert preview.sheet.kind == "csv" and record.mapping == {
        "last_name": 0,
        "first_name": 1,
        "month": 2,
        "worked": 3,
        "training": 4,
    }
    assert not preview.plan.problems
    assert [(p.month, p.figures) for p in preview.plan.declared] == [
        (date(2025, 3, 1), (D("120.50"), D("7.00"), D("0.00"))),
        (date(2025, 3, 1), (D("100.00"), D("0.00"), D("0.00"))),
    ]
    assert _statements() == 0  # a preview writes nothing


def test_csv_with_commas_in_utf8_with_bom_reads_the_same(scope):
    content = b"\xef\xbb\xbf" + _csv([[f'"{cell}"' for cell in row] for row in GOOD], ",")
    _, preview = _import(content)
    assert len(preview.plan.declared) == 2 and not preview.plan.problems


def test_xlsx_dates_and_numbers_are_read_as_cells(scope):
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append(["Martin", "Camille", date(2025, 4, 1), 120.5, None])
    out = io.BytesIO()
    book.save(out)
    _, preview = _import(out.getvalue(), filename="releves.xlsx")
    assert preview.sheet.kind == "xlsx"
    assert [(p.month, p.figures[0]) for p in preview.plan.declared] == [(date(2025, 4, 1), D("120.50"))]


def test_xls_of_excel_97_is_read_too(scope):
    book = xlwt.Workbook()
    sheet = book.add_sheet("Heures")
    for column, value in enumerate(HEADER):
        sheet.write(0, column, value)
    for column, value in enumerate(["Martin", "Camille", "01/05/2025", 98.25, 0]):
        sheet.write(1, column, value)
    out = io.BytesIO()
    book.save(out)
    _, preview = _import(out.getvalue(), filename="releves.xls")
    assert preview.sheet.kind == "xls"
    assert [(p.month, p.figures[0]) for p in preview.plan.declared] == [(date(2025, 5, 1), D("98.25"))]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "vide"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "pas un tableur"),
        (b"PK\x03\x04garbage", "illisible"),
        (b"\n\n", "aucune ligne"),
    ],
)
def test_a_file_that_is_no_spreadsheet_is_refused_in_french(scope, content, message):
    with pytest.raises(ValidationError) as refused:
        imports.receive(ACTOR, "x.csv", content, None)
    assert message in refused.value.errors["file"][0]


def test_each_bad_line_is_reported_with_its_line_column_and_reason(scope):
    rows = [
        HEADER,
        ["Martin", "Camille", "03/2025", "120", ""],
        ["Martin", "Camille", "mars", "10", ""],  # line 3: month unreadable
        ["Inconnu", "Personne", "03/2025", "10", ""],  # line 4: no such person
        ["Eloise", "Camille", "03/2025", "-4", ""],  # line 5: negative hours
        ["Martin", "Camille", "03/2025", "120", ""],  # line 6: the month again
        ["Eloise", "Camille", "03/2025", "400", ""],  # line 7: above the legal maximum
    ]
    _, preview = _import(_csv(rows))
    found = [(p.line, p.column) for p in preview.plan.problems]
    assert found == [(3, "month"), (4, "last_name"), (5, "worked"), (6, "month"), (7, "worked")]
    assert "La ligne 2" in preview.plan.problems[3].reason
    assert [p.line for p in preview.plan.declared] == [2]


def test_the_valid_lines_are_written_or_none_as_the_person_chooses(scope):
    rows = [*GOOD, ["Martin", "Camille", "31/13/2025", "5", ""]]
    record, _ = _import(_csv(rows))
    with pytest.raises(DomainError):
        imports.confirm(ACTOR, record, only_if_all_valid=True)
    assert _statements() == 0
    counts = imports.confirm(ACTOR, record, only_if_all_valid=False)
    assert counts == {"declared": 2, "corrected": 0, "unchanged": 0, "refused": 1}
    assert _statements() == 2
    assert {s.source for s in db.session.scalars(select(Releve))} == {"import"}


def test_the_same_file_imported_again_writes_nothing_and_new_figures_correct(scope):
    first, _ = _import(_csv(GOOD))
    imports.confirm(ACTOR, first, only_if_all_valid=True)
    again, preview = _import(_csv(GOOD))
    assert preview.earlier is not None and preview.earlier.id == first.id
    assert imports.confirm(ACTOR, again, only_if_all_valid=True)["unchanged"] == 2
    assert _statements() == 2
    changed = [GOOD[0], GOOD[1], ["Eloise", "Camille", "03/2025", "90", ""]]
    record, preview = _import(_csv(changed))
    assert [p.line for p in preview.plan.corrected] == [3] and preview.plan.unchanged == [2]
    imports.confirm(ACTOR, record, only_if_all_valid=True)
    live = db.session.scalars(select(Releve).where(Releve.superseded_at.is_(None))).all()
    assert sorted(s.worked_hours for s in live) == [D("90.00"), D("120.50")]


def test_a_partner_reaches_only_the_missions_it_employs(scope):
    world = scope
    other = partenaires.create(ACTOR, "Autre SIAE", "siae_ei", SIRETS[1])
    stranger = participants.create(ACTOR, "Durand", "Léa", birth_date=date(1991, 1, 1), sex="F")
    participants.validate_eligibility(
        ACTOR, stranger, [("beneficiaire_rsa", "attestation_caf")], date(2025, 1, 2)
    )
    parcours.place(
        ACTOR, stranger.id, other.id, world.lots[0], contract_type="cdd", modality="embauche_directe",
        start_date=date(2025, 1, 6), end_date=date(2025, 12, 31), weekly_hours=D(35),
    )  # fmt: skip
    rows = [HEADER, ["Durand", "Léa", "03/2025", "100", ""], ["Martin", "Camille", "03/2025", "100", ""]]
    _, preview = _import(_csv(rows), organisation_id=world.employer_id)
    assert [(p.line, p.column) for p in preview.plan.problems] == [(2, "last_name")]
    _, theirs = _import(_csv(rows), organisation_id=other.id)
    assert [p.line for p in theirs.plan.declared] == [2]
    assert [(p.line, p.column) for p in theirs.plan.problems] == [(3, "last_name")]


def test_an_import_of_another_organisation_is_not_found(scope):
    record, _ = _import(_csv(GOOD), organisation_id=scope.employer_id)
    assert imports.get(record.id, scope.employer_id) is not None
    assert imports.get(record.id, scope.employer_id + 1000) is None


def test_headers_that_differ_are_mapped_by_hand_and_a_missing_column_is_named(scope):
    rows = [["Salarié", "Prénom", "Période", "Total"], ["Martin", "Camille", "03/2025", "12"]]
    (record,) = [imports.receive(ACTOR, "x.csv", _csv(rows), None)]
    with pytest.raises(ValidationError) as refused:
        imports.preview(record)
    assert "Heures travaillées" in refused.value.errors["mapping"][0]
    preview = imports.preview(record, {"last_name": 0, "first_name": 1, "month": 2, "worked": 3})
    assert len(preview.plan.declared) == 1
    with pytest.raises(ValidationError):
        imports.preview(record, {"last_name": 0, "first_name": 0, "month": 2, "worked": 3})


def test_the_template_lists_the_running_missions_of_the_organisation(scope, monkeypatch):
    from saas import clock

    monkeypatch.setattr(clock, "today", lambda: date(2025, 4, 10))
    _, _, content = imports.template(scope.employer_id)
    sheet = sheets.read(content)
    assert sheet.headers[:3] == ["Référence de la personne", "Nom", "Prénom"]
    assert sorted(row[1] for _, row in sheet.rows) == ["Martin", "Éloïse"]
    assert {row[4] for _, row in sheet.rows} == {"01/03/2025"}
    assert db.session.scalar(select(func.count()).select_from(HourImport)) == 0


def test_a_person_is_found_by_reference_in_any_case(scope):
    reference = participants.get(scope.participants[0]).reference
    rows = [["Référence", "Mois", "Heures"], [reference.lower(), "03/2025", "10"]]
    _, preview = _import(_csv(rows), organisation_id=scope.employer_id)
    assert not preview.plan.problems
    assert [p.reference for p in preview.plan.declared] == [reference]


def test_a_nul_character_in_a_cell_or_in_the_file_name_never_reaches_the_database(scope):
    """Before: a NUL past the first 4 KiB of a CSV, or in the name of the file, made the preview
    (or the upload) answer 500: PostgreSQL refuses NUL in a text."""
    padding = [["Martin", "Camille", "03/2025", "1", ""] for _ in range(400)]
    rows = [HEADER, *padding, ["Mar\x00tin", "Camille", "04/2025", "120", ""]]
    record, preview = _import(_csv(rows), filename="rele\x00ves.csv")
    assert record.filename == "releves.csv"
    assert [p.line for p in preview.plan.declared][-1] == len(rows)
    db.session.flush()


def test_the_journal_says_what_an_import_wrote_in_french(scope):
    """Before: the entry's details were the counts under their English keys (declared, refused…)."""
    record, _ = _import(_csv([*GOOD, ["Martin", "Camille", "mars", "5", ""]]))
    imports.confirm(ACTOR, record, only_if_all_valid=False)
    details = db.session.scalars(
        select(AuditEntry.details).where(
            AuditEntry.action == "hours.imported", AuditEntry.target_id == str(record.id)
        )
    ).one()
    assert details == {"fichier": "releves.csv", "déclarés": 2, "corrigés": 0, "inchangés": 0, "écartés": 1}


def test_a_confirmed_import_is_not_written_a_second_time(scope):
    record, _ = _import(_csv(GOOD))
    imports.confirm(ACTOR, record, only_if_all_valid=True)
    with pytest.raises(DomainError):
        imports.confirm(ACTOR, record, only_if_all_valid=True)
    assert _statements() == 2
