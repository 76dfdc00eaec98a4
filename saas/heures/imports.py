"""Spreadsheets of monthly statements: a partner's own file (or one the guichet received by
e-mail) read, shown line by line, then written (``saas.heures.planning``).

- :func:`receive` reads the file (``saas.sheets``: XLSX, XLS, CSV) and keeps it with the columns
  recognised from its headers (``COLUMNS``); nothing of the ledger is written.
- :func:`preview` plans every line under a mapping of columns (the recognised one, or the one the
  person chose): what would be declared, corrected, left as it is, and each problem (line,
  column, reason).
- :func:`confirm` writes all the valid lines, or only if every line is valid, as the person
  chooses; the same file imported again writes nothing twice (its lines are already written).
- :func:`template`: the file to fill, with the missions of the organisation already listed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from saas import clock, formats, sheets, tabular, uploads
from saas.audit import api as audit
from saas.db import db, insert
from saas.errors import DomainError, ValidationError
from saas.heures import planning
from saas.heures.enums import ImportStatus, Source
from saas.heures.models import HourImport
from tenants.context import require_tenant_id


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    #: other headers that mean this column, compared letters and digits only, without accents
    synonyms: tuple[str, ...] = ()


COLUMNS = (
    Column(
        "reference", "Référence de la personne", ("reference", "ref", "referencepersonne", "nparticipant")
    ),
    Column("last_name", "Nom", ("nom", "nomdefamille", "nomdusalarie", "nomsalarie")),
    Column("first_name", "Prénom", ("prenom", "prenomdusalarie", "prenomsalarie")),
    Column("lot", "Lot", ("lot", "marche", "marchelot", "lotdumarche", "chantier")),
    Column("month", "Mois", ("mois", "periode", "moisdeclare", "moisconcerne", "date")),
    Column("worked", "Heures travaillées", ("heurestravaillees", "heures", "nbheures", "heuresrealisees")),
    Column("training", "Heures de formation", ("heuresdeformation", "formation", "heuresformation")),
    Column("absence", "Heures d'absence", ("heuresdabsence", "absence", "absences", "heuresabsence")),
    Column("comment", "Commentaire", ("commentaire", "commentaires", "observations", "remarques")),
)
COLUMN_LABELS = {column.key: column.label for column in COLUMNS} | {planning.WHOLE_LINE: "Ligne entière"}
MONTH_TEXT = re.compile(r"^(?:(\d{1,2})[/.-])?(\d{1,2})[/.-](\d{4})$")
MONTH_WORDS = {planning.squeezed(name): index + 1 for index, name in enumerate(formats.MONTH_NAMES)}
MONTH_MESSAGE = "Mois illisible : écrivez une date jj/mm/aaaa, ou mm/aaaa."


def recognised(headers: list[str]) -> dict[str, int]:
    """The column of each field whose header is its label or one of its synonyms."""
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = planning.squeezed(header)
        for column in COLUMNS:
            if column.key not in mapping and key in (planning.squeezed(column.label), *column.synonyms):
                mapping[column.key] = index
                break
    return mapping


def check_mapping(mapping: dict[str, int], width: int) -> dict[str, int]:
    """A mapping whose columns exist, each used once, with what a line needs at least."""
    mapping = {key: index for key, index in mapping.items() if key in COLUMN_LABELS and 0 <= index < width}
    if len(set(mapping.values())) != len(mapping):
        raise ValidationError("mapping", "Une même colonne du fichier est choisie pour deux informations.")
    missing = [COLUMN_LABELS[key] for key in ("month", "worked") if key not in mapping]
    if "reference" not in mapping and not {"last_name", "first_name"} <= set(mapping):
        missing.append("Référence de la personne (ou Nom et Prénom)")
    if missing:
        raise ValidationError("mapping", "Colonnes à indiquer : " + ", ".join(missing) + ".")
    return mapping


def month_of(value) -> date | None:
    """The month of a cell: a date, « 15/03/2026 », « 03/2026 » or « mars 2026 »."""
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return (value.date() if isinstance(value, datetime) else value).replace(day=1)
    text = str(value).strip()
    matched = MONTH_TEXT.match(text)
    try:
        if matched:
            return date(int(matched.group(3)), int(matched.group(2)), 1)
        words = text.split()
        if len(words) == 2 and planning.squeezed(words[0]) in MONTH_WORDS:
            return date(int(words[1]), MONTH_WORDS[planning.squeezed(words[0])], 1)
    except ValueError:
        pass
    raise ValidationError("month", MONTH_MESSAGE)


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()[:500] or None


def lines_of(
    sheet: sheets.Sheet, mapping: dict[str, int]
) -> tuple[list[planning.Line], list[planning.Problem]]:
    """The lines of the sheet under ``mapping``, and the months no one can read."""
    lines, problems = [], []
    for number, values in sheet.rows:
        cell = {key: values[index] for key, index in mapping.items()}
        try:
            month = month_of(cell.get("month"))
        except ValidationError as error:
            problems.append(planning.Problem(number, "month", error.message))
            continue
        reference = _text(cell.get("reference"))
        lines.append(
            planning.Line(
                number,
                month,
                cell.get("worked"),
                cell.get("training"),
                cell.get("absence"),
                _text(cell.get("comment")),
                reference=reference.upper() if reference else None,
                last_name=_text(cell.get("last_name")),
                first_name=_text(cell.get("first_name")),
                lot=_text(cell.get("lot")),
            )
        )
    return lines, problems


@dataclass
class Preview:
    record: HourImport
    sheet: sheets.Sheet
    mapping: dict[str, int]
    plan: planning.Plan
    #: an earlier import of the very same file, written
    earlier: HourImport | None

    @property
    def lines(self) -> int:
        return len(self.sheet.rows)


def receive(actor: audit.Actor, filename: str, content: bytes, organisation_id: int | None) -> HourImport:
    """The file kept for its preview (a ``ValidationError`` on ``file`` when it cannot be read)."""
    sheet = sheets.read(content)
    record = HourImport(
        tenant_id=require_tenant_id(),
        organisation_id=organisation_id,
        filename=uploads.filename_of(filename, "import"),
        kind=sheet.kind,
        digest=hashlib.sha256(content).hexdigest(),
        content=content,
        mapping=recognised(sheet.headers),
        status=ImportStatus.preview.value,
        created_by=actor.user_id,
    )
    return insert(record)


def _earlier(record: HourImport) -> HourImport | None:
    query = (
        select(HourImport)
        .where(
            HourImport.digest == record.digest,
            HourImport.id != record.id,
            HourImport.status == ImportStatus.written.value,
        )
        .order_by(HourImport.written_at.desc())
        .limit(1)
    )
    if record.organisation_id is not None:
        query = query.where(HourImport.organisation_id == record.organisation_id)
    return db.session.scalar(query)


def preview(record: HourImport, mapping: dict[str, int] | None = None) -> Preview:
    """Every line of the file planned under ``mapping`` (by default the one kept); a new mapping
    is kept for the confirmation. A ``ValidationError`` on ``mapping`` when it lacks a column."""
    if record.status != ImportStatus.preview.value:
        raise DomainError("Cet import est déjà terminé.")
    sheet = sheets.read(record.content)
    chosen = check_mapping(dict(record.mapping if mapping is None else mapping), len(sheet.headers))
    record.mapping = chosen
    lines, unreadable = lines_of(sheet, chosen)
    plan = planning.plan(lines, record.organisation_id)
    plan.problems = sorted([*unreadable, *plan.problems], key=lambda problem: problem.line)
    return Preview(record, sheet, chosen, plan, _earlier(record))


def confirm(actor: audit.Actor, record: HourImport, only_if_all_valid: bool) -> dict[str, int]:
    """Write the valid lines (all or nothing when ``only_if_all_valid``); what was written. The
    import is locked first: a second confirmation (a double click) finds it written."""
    db.session.flush()  # a refresh drops what is not flushed
    db.session.refresh(record, with_for_update=True)
    result = preview(record)
    if only_if_all_valid and result.plan.problems:
        raise DomainError(
            "Des lignes sont en erreur : rien n'a été enregistré. Corrigez le fichier ou importez les lignes valides."
        )
    source = Source.partenaire.value if record.organisation_id is not None else Source.import_.value
    planning.write(actor, result.plan, source)
    record.status = ImportStatus.written.value
    record.counts = result.plan.counts()
    record.written_at = clock.now()
    counts = record.counts
    details = {"fichier": record.filename, "déclarés": counts["declared"], "corrigés": counts["corrected"]}
    details |= {"inchangés": counts["unchanged"], "écartés": counts["refused"]}
    audit.record("hours.imported", actor, "hour_import", record.id, details)
    return record.counts


def abandon(actor: audit.Actor, record: HourImport) -> None:
    if record.status == ImportStatus.preview.value:
        record.status = ImportStatus.abandoned.value
        audit.record("hours.import_abandoned", actor, "hour_import", record.id, {"fichier": record.filename})


def get(import_id: int, organisation_id: int | None) -> HourImport | None:
    """An import of the tenant in scope; with ``organisation_id``, only that organisation's."""
    record = db.session.get(HourImport, (require_tenant_id(), import_id))
    if record is None or (organisation_id is not None and record.organisation_id != organisation_id):
        return None
    return record


def recent(organisation_id: int | None, limit: int = 10) -> list[HourImport]:
    query = select(HourImport).order_by(HourImport.created_at.desc(), HourImport.id.desc()).limit(limit)
    if organisation_id is not None:
        query = query.where(HourImport.organisation_id == organisation_id)
    return list(db.session.scalars(query))


def template(organisation_id: int | None) -> tuple[str, str, bytes]:
    """The XLSX to fill: the columns, and one line per mission running last month (of the
    organisation, or of the territory), its person and lot already written."""
    month = clock.today().replace(day=1) - relativedelta(months=1)
    rows = [
        (c.reference, last, first, c.lot_label, formats.date(month), None, None, None, None)
        for c, last, first in planning.running(month, organisation_id)
    ]
    header = [column.label for column in COLUMNS]
    return tabular.write("xlsx", "modele-releves-heures", header, rows, sheet="Relevés")
