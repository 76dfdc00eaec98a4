"""Queries on the reference tables (read-only, through the application session)."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import ColumnElement, any_, func, or_, select

from saas.db import db, rows_of
from saas.referentiels.models import (
    Commune,
    ContractType,
    Criterion,
    ExitMotif,
    Item,
    Qpv,
    Rome,
)

# Accented letters met in French names, and what they fold to; hyphens and apostrophes become
# spaces ("Saint-Dizier" is found by "saint dizier"). The same table serves Python and SQL.
_ACCENTED = "àâäáãåçéèêëíìîïñóòôöõúùûüýÿÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝŸ-'’"
_PLAIN = "aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUYY   "
_LIGATURES = {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"}
_TABLE = str.maketrans(_ACCENTED, _PLAIN)


def fold(text: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces, spaces collapsed."""
    for ligature, plain in _LIGATURES.items():
        text = text.replace(ligature, plain)
    text = unicodedata.normalize("NFKD", text.translate(_TABLE))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"\s+", " ", text).strip().lower()


def folded(column) -> ColumnElement[str]:
    """The SQL twin of :func:`fold` for a column of names."""
    expression = column
    for ligature, plain in _LIGATURES.items():
        expression = func.replace(expression, ligature, plain)
    return func.lower(func.translate(expression, _ACCENTED, _PLAIN))


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def criteria() -> list[Criterion]:
    return list(db.session.scalars(select(Criterion).order_by(Criterion.rank, Criterion.code)))


def criteria_by_codes(codes: set[str]) -> list[Criterion]:
    return rows_of(Criterion, Criterion.code.in_(codes))


def contract_types() -> list[ContractType]:
    return list(db.session.scalars(select(ContractType).order_by(ContractType.rank, ContractType.code)))


def exit_motifs() -> list[ExitMotif]:
    return list(db.session.scalars(select(ExitMotif).order_by(ExitMotif.rank, ExitMotif.code)))


def items(list_name: str) -> list[Item]:
    return rows_of(Item, list=list_name, order_by=(Item.rank, Item.code))


def get(model, *key):
    return db.session.get(model, key if len(key) > 1 else key[0])


def search_communes(text: str, limit: int) -> list[Commune]:
    """By INSEE code or postcode prefix when ``text`` looks like one, otherwise by name prefix."""
    query = select(Commune)
    code = text.strip().upper()
    if re.fullmatch(r"\d{2,5}|2[AB]\d{0,3}", code):
        # " 79000 79210": a postcode starting with ``code`` follows a space
        postcodes = " " + func.array_to_string(Commune.postcodes, " ")
        query = query.where(or_(Commune.insee.like(_like_prefix(code)), postcodes.like("% " + code + "%")))
        query = query.order_by(Commune.insee != code, Commune.insee)
    else:
        name = fold(text)
        if not name:
            return []
        query = query.where(folded(Commune.name).like(_like_prefix(name)))
        query = query.order_by(folded(Commune.name) != name, Commune.name, Commune.insee)
    return list(db.session.scalars(query.limit(limit)))


def communes_of_epci(siren: str) -> list[Commune]:
    return rows_of(Commune, epci_siren=siren, order_by=Commune.name)


def communes_named(insees: list[str]) -> list[Commune]:
    return rows_of(Commune, Commune.insee.in_(insees), order_by=Commune.name)


def qpv_of_commune(insee: str) -> list[Qpv]:
    return rows_of(Qpv, any_(Qpv.communes) == insee, order_by=Qpv.code)


def search_rome(text: str, limit: int) -> list[Rome]:
    """By code prefix when ``text`` looks like one, otherwise every word in the label."""
    code = text.strip().upper()
    query = select(Rome).order_by(Rome.code).limit(limit)
    if re.fullmatch(r"[A-N]\d{0,4}", code):
        return list(db.session.scalars(query.where(Rome.code.like(_like_prefix(code)))))
    words = fold(text).split()
    if not words:
        return []
    for word in words:
        query = query.where(folded(Rome.label).contains(word, autoescape=True))
    return list(db.session.scalars(query))
