"""Importing an official file (full ROME, QPV list), reporting each line that was left out.

Both imports are idempotent upserts through the owner connection (see ``loader``). Headers are
matched without regard to case, accents or spaces, and the separator (``;``, ``,`` or tab) is
taken from the header line, so the official exports can be given as they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from saas.errors import ValidationError
from saas.referentiels import loader
from saas.referentiels.models import Commune, Qpv, Rome
from saas.referentiels.repository import fold

ROME_COLUMNS = {
    "code": ("code", "code_rome", "rome"),
    "label": ("libelle", "libelle_rome", "intitule", "label"),
    "domain": ("domaine", "domaine_professionnel", "libelle_domaine_professionnel", "domain"),
}
QPV_COLUMNS = {
    "code": ("code", "code_qp", "code_qpv", "qp", "qpv", "code_quartier"),
    "name": ("nom", "nom_qp", "lib_qp", "nom_qpv", "lib_qpv", "libelle", "libelle_qp", "nom_quartier"),
    "communes": (
        "communes",
        "commune",
        "insee_com",
        "code_insee",
        "codes_insee",
        "insee",
        "code_commune",
        "codes_communes",
        "insee_commune",
    ),
}


@dataclass
class ImportResult:
    """What an import did: rows created and updated, and each line left out with its reason."""

    created: int = 0
    updated: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)

    @property
    def loaded(self) -> int:
        return self.created + self.updated

    def skip(self, line: int, reason: str) -> None:
        self.skipped.append((line, reason))


def _header_key(name: str) -> str:
    return fold(name).replace(" ", "_")


def _records(
    path: Path, columns: dict[str, tuple[str, ...]], optional: set[str]
) -> Iterator[tuple[int, dict]]:
    """(line number, {field: value}) for each data line, the columns found by their aliases."""
    text = loader.read_text(Path(path))
    header = text.splitlines()[0] if text else ""
    delimiter = max(";,\t", key=header.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    names = [_header_key(name) for name in next(reader, [])]
    positions = {}
    for name, aliases in columns.items():
        found = [names.index(alias) for alias in aliases if alias in names]
        if found:
            positions[name] = found[0]
        elif name not in optional:
            accepted = ", ".join(aliases)
            message = f"Colonne « {aliases[0]} » introuvable (noms acceptés : {accepted})."
            raise ValidationError("fichier", message)
    for values in reader:
        if not any(value.strip() for value in values):
            continue
        yield (
            reader.line_num,
            {name: values[index].strip() if index < len(values) else "" for name, index in positions.items()},
        )


def import_rome(path: Path) -> ImportResult:
    """Load ROME sheets from a CSV with code, label and (optional) domain columns."""
    result = ImportResult()
    rows: dict[str, dict] = {}
    seen: dict[str, int] = {}
    for line, record in _records(path, ROME_COLUMNS, optional={"domain"}):
        code, label = record["code"].upper(), record["label"]
        if not loader.ROME_CODE.match(code):
            result.skip(line, f"code ROME invalide « {record['code']} » (une lettre et quatre chiffres)")
        elif not label:
            result.skip(line, "libellé manquant")
        elif len(label) > 200:
            result.skip(line, "libellé trop long (200 caractères au plus)")
        elif code in seen:
            result.skip(line, f"code ROME {code} en double (déjà lu ligne {seen[code]})")
        else:
            seen[code] = line
            rows[code] = {"code": code, "label": label}
            if "domain" in record:  # without the column, domains already known are kept
                rows[code]["domain"] = record["domain"] or None
    with loader.owner_connection() as conn:
        result.created, result.updated = loader.upsert(conn, Rome.__table__, list(rows.values()))
    return result


def import_qpv(path: Path) -> ImportResult:
    """Load quartiers prioritaires from a CSV with code, name and commune INSEE code columns.

    Expected header (any case or accents, ``;``/``,``/tab separated), e.g. the official list of
    the quartiers prioritaires 2024 as published by the ANCT: a code column (``code_qp``,
    ``code_qpv``, ``code``...), a name column (``lib_qp``, ``nom_qp``, ``nom``...) and a commune
    column (``insee_com``, ``code_insee``, ``communes``...); see ``QPV_COLUMNS``.

    A quartier spanning several communes may list them in one cell (separated by commas, pipes or
    spaces) or on several lines with the same code: the communes are then merged. Communes must
    already be loaded (``load_all``).
    """
    result = ImportResult()
    rows: dict[str, dict] = {}
    with loader.owner_connection() as conn:
        known = set(conn.execute(select(Commune.insee)).scalars())
        for line, record in _records(path, QPV_COLUMNS, optional=set()):
            reason = _qpv_problem(record, known)
            if reason:
                result.skip(line, reason)
                continue
            code = record["code"].upper()
            row = rows.setdefault(code, {"code": code, "name": record["name"], "communes": []})
            row["communes"] = loader.unique(row["communes"] + _communes(record))
        result.created, result.updated = loader.upsert(conn, Qpv.__table__, list(rows.values()))
    return result


def _communes(record: dict) -> list[str]:
    """INSEE codes of the record; a leading zero lost by a spreadsheet ("1053") is put back."""
    codes = loader.split_codes(record["communes"].upper())
    return [code.zfill(5) if code.isdigit() and len(code) == 4 else code for code in codes]


def _qpv_problem(record: dict, known_communes: set[str]) -> str | None:
    code = record["code"].upper()
    if not (code.startswith("Q") and 4 <= len(code) <= 12 and code.isalnum()):
        return f"code QPV invalide « {record['code']} »"
    if not record["name"]:
        return "nom du quartier manquant"
    if len(record["name"]) > 200:
        return "nom du quartier trop long (200 caractères au plus)"
    communes = _communes(record)
    if not communes:
        return "aucun code commune"
    for insee in communes:
        if not loader.INSEE.match(insee):
            return f"code commune invalide « {insee} »"
        if insee not in known_communes:
            return f"commune inconnue « {insee} »"
    return None
