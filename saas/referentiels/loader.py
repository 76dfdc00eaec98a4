"""Reading the data files and writing them with the owner connection.

The application role may only read the ``ref_*`` tables, so every write here goes through a
separate engine on ``OWNER_DATABASE_URI`` (the migration URL). Writes are upserts
(``INSERT ... ON CONFLICT (pk) DO UPDATE``): running a load again updates labels and never
duplicates a row. Rows that disappeared from a file are kept, as other tables may refer to them.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from flask import current_app
from sqlalchemy import Table, create_engine, pool
from sqlalchemy.engine import Connection

from saas import sheets
from saas.referentiels.enums import ContractFamily, ExitCategory, ItemList

DATA_DIR = Path(__file__).resolve().parent / "data"

CODE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")
INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
POSTCODE = re.compile(r"^\d{5}$")
ROME_CODE = re.compile(r"^[A-N]\d{4}$")
CONTRACT_FAMILIES = {family.value for family in ContractFamily}
BOOLEANS = {"true": True, "false": False}


class DataError(ValueError):
    """A shipped data file breaks its own format: a bug in the file, never user input."""


@contextmanager
def owner_connection() -> Iterator[Connection]:
    """One transaction on the owner (migration) role, the only one allowed to write ``ref_*``."""
    engine = create_engine(current_app.config["OWNER_DATABASE_URI"], poolclass=pool.NullPool)
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


def upsert(conn: Connection, table: Table, rows: list[dict]) -> tuple[int, int]:
    """Insert or update ``rows`` by primary key; return (created, updated).

    The rows are copied (``COPY``) into a temporary table, then merged with one
    ``INSERT ... SELECT ... ON CONFLICT (pk) DO UPDATE``: the whole country loads in seconds.
    """
    if not rows:
        return 0, 0
    columns = list(rows[0])
    keys = [column.name for column in table.primary_key.columns]
    names = ", ".join(f'"{name}"' for name in columns)
    primary_key = ", ".join(f'"{name}"' for name in keys)
    updates = ", ".join(f'"{name}" = excluded."{name}"' for name in columns if name not in keys)
    staging = f"staging_{table.name}"
    conn.exec_driver_sql(f'CREATE TEMPORARY TABLE "{staging}" (LIKE "{table.name}") ON COMMIT DROP')
    raw = conn.connection.dbapi_connection
    assert isinstance(raw, psycopg.Connection), "COPY needs the psycopg driver"
    with raw.cursor() as cursor:
        with cursor.copy(f'COPY "{staging}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([row[name] for name in columns])
        cursor.execute(
            f'INSERT INTO "{table.name}" ({names}) SELECT {names} FROM "{staging}" '
            f"ON CONFLICT ({primary_key}) DO UPDATE SET {updates} RETURNING xmax = 0"
        )
        created = sum(1 for (was_created,) in cursor.fetchall() if was_created)
        cursor.execute(f'DROP TABLE "{staging}"')
    return created, len(rows) - created


# --- reading files --------------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """The text of a CSV file, gzipped or not; UTF-8 (with or without BOM), else Windows-1252."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return sheets.decode(raw)


def rows_of(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) of a ``;``-separated file with a header line; values stripped."""
    reader = csv.DictReader(io.StringIO(read_text(path)), delimiter=";")
    for row in reader:
        yield reader.line_num, {key: (value or "").strip() for key, value in row.items() if key}


def _check(condition: bool, path: Path, line: int, message: str) -> None:
    if not condition:
        raise DataError(f"{path.name}, ligne {line} : {message}")


def _rank(value: str, path: Path, line: int) -> int:
    _check(value.isdigit(), path, line, f"rang invalide « {value} »")
    return int(value)


def _check_code(row: dict[str, str], path: Path, line: int) -> None:
    _check(bool(CODE.match(row["code"])), path, line, f"code invalide « {row['code']} »")


def _entry(row: dict[str, str], path: Path, line: int, **fields) -> dict:
    """A row of a coded list: its code, its label, ``fields`` and its rank."""
    return {"code": row["code"], "label": row["libelle"], **fields, "rank": _rank(row["rang"], path, line)}


def criteria_rows(path: Path) -> list[dict]:
    rows = []
    for line, row in rows_of(path):
        _check_code(row, path, line)
        _check(row["famille"] in {"iae", "clause"}, path, line, "famille iae ou clause attendue")
        _check(row["niveau"] in ({"1", "2"} if row["famille"] == "iae" else {""}), path, line, "niveau")
        level = int(row["niveau"]) if row["niveau"] else None
        proof_types = [code for code in row["justificatifs"].split("|") if code]
        rows.append(_entry(row, path, line, level=level, family=row["famille"], proof_types=proof_types))
    return rows


def contract_type_rows(path: Path) -> list[dict]:
    rows = []
    for line, row in rows_of(path):
        _check_code(row, path, line)
        _check(row["famille"] in CONTRACT_FAMILIES, path, line, f"famille inconnue « {row['famille']} »")
        _check(row["duree_determinee"] in BOOLEANS, path, line, "duree_determinee : true ou false")
        rows.append(
            _entry(row, path, line, family=row["famille"], fixed_term=BOOLEANS[row["duree_determinee"]])
        )
    return rows


def exit_motif_rows(path: Path) -> list[dict]:
    rows = []
    categories = {category.value for category in ExitCategory}
    for line, row in rows_of(path):
        _check_code(row, path, line)
        _check(row["categorie"] in categories, path, line, f"catégorie inconnue « {row['categorie']} »")
        rows.append(_entry(row, path, line, category=row["categorie"]))
    return rows


def item_rows(path: Path) -> list[dict]:
    rows = []
    lists = {item_list.value for item_list in ItemList}
    for line, row in rows_of(path):
        _check(row["liste"] in lists, path, line, f"liste inconnue « {row['liste']} »")
        _check_code(row, path, line)
        rows.append({"list": row["liste"], **_entry(row, path, line)})
    return rows


def commune_rows(path: Path) -> list[dict]:
    rows = []
    for line, row in rows_of(path):
        _check(bool(INSEE.match(row["insee"])), path, line, f"code INSEE invalide « {row['insee']} »")
        postcodes = [code for code in row["codes_postaux"].split(",") if code]
        _check(all(POSTCODE.match(code) for code in postcodes), path, line, "code postal invalide")
        rows.append(
            {
                "insee": row["insee"],
                "name": row["nom"],
                "departement": row["departement"],
                "region": row["region"] or None,
                "epci_siren": row["epci_siren"] or None,
                "epci_name": row["epci_nom"] or None,
                "postcodes": postcodes,
            }
        )
    return rows


def departement_rows(path: Path) -> list[dict]:
    return [
        {"code": row["code"], "name": row["nom"], "region": row["region"] or None} for _, row in rows_of(path)
    ]


def rome_rows(path: Path) -> list[dict]:
    rows = []
    for line, row in rows_of(path):
        _check(bool(ROME_CODE.match(row["code"])), path, line, f"code ROME invalide « {row['code']} »")
        rows.append({"code": row["code"], "label": row["libelle"], "domain": row["domaine"] or None})
    return rows


def qpv_rows(path: Path) -> list[dict]:
    rows = []
    for line, row in rows_of(path):
        communes = split_codes(row["communes"])
        _check(all(INSEE.match(code) for code in communes), path, line, "code commune invalide")
        rows.append({"code": row["code"], "name": row["nom"], "communes": communes})
    return rows


def check_unique(rows: list[dict], table: Table, filename: str) -> None:
    keys = [column.name for column in table.primary_key.columns]
    seen = set()
    for row in rows:
        key = tuple(row[name] for name in keys)
        if key in seen:
            raise DataError(f"{filename} : clé en double {key}")
        seen.add(key)


def split_codes(value: str) -> list[str]:
    """Codes separated by commas, pipes, semicolons or spaces."""
    return [code for code in re.split(r"[\s,|;]+", value) if code]


def unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
