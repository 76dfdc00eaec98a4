"""The format of a report to a Département (``guichet-rapport/1``), as its receiver checks it.

``docs/rapport-departement.md`` documents each field. A report that does not match is refused
with the fields at fault, which the sender records as the reason.
"""

from __future__ import annotations

import base64
import hashlib
import re

import marshmallow
from marshmallow import fields, validate, validates_schema

from saas import clock
from saas import schemas as s
from saas.bilans.indicators import BREAKDOWNS, MEASURES
from saas.federation.building import period_of
from saas.federation.models import FORMAT, DeliverableKind, ReportPeriod

SLUG = validate.Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", error="Code de territoire invalide.")
INSEE = validate.Regexp(r"^[0-9][0-9AB][0-9]{3}$", error="Code INSEE de commune invalide.")
HEX_DIGEST = validate.Regexp(r"^[0-9a-f]{64}$", error="64 chiffres hexadécimaux attendus.")
#: bounds of a report: far above the largest territory, low enough to refuse a flood
MAX_KEYS = 200_000
MAX_ROWS = 5_000


class TerritorySchema(s.Schema):
    code = s.String(required=True, validate=[s.max_length(63), SLUG])
    nom = s.String(required=True, validate=[s.max_length(200), validate.Length(min=1)])
    communes = s.List(s.String(validate=INSEE), load_default=list, validate=validate.Length(max=500))


class PeriodSchema(s.Schema):
    type = s.vocabulary(ReportPeriod, required=True)
    debut = s.Date(required=True)
    fin = s.Date(required=True)

    @validates_schema
    def _a_period(self, data, **kwargs):
        """A whole month or a whole year, begun by today (a report of the future is no report)."""
        start = data["debut"]
        if start.day != 1 or (data["type"] == ReportPeriod.annee and start.month != 1):
            raise marshmallow.ValidationError(
                "La période commence le premier jour du mois ou de l'année.", "debut"
            )
        if data["fin"] != period_of(data["type"], start).end:
            raise marshmallow.ValidationError("La fin ne correspond pas à la période.", "fin")
        if start > clock.today():
            raise marshmallow.ValidationError("La période n'a pas commencé.", "debut")


#: a figure: a count, or a decimal written as text (hours, rates), or nothing
FIGURE = re.compile(r"^-?[0-9]{1,12}(\.[0-9]{1,6})?$")
ROW_TEXT = 300


def _figure(value) -> bool:
    if value is None:
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) < 10**12
    return isinstance(value, str) and bool(FIGURE.match(value))


def _row_fault(row) -> str | None:
    """Why a row of a table is not one: a key and a label, then figures of known measures."""
    if not isinstance(row, dict):
        return "Une ligne doit être un objet JSON."
    key, label = row.get("key"), row.get("label")
    if not isinstance(key, str | int) or isinstance(key, bool) or len(str(key)) > ROW_TEXT:
        return "Chaque ligne a une clé (« key »)."
    if label is not None and (not isinstance(label, str) or len(label) > ROW_TEXT):
        return "Le libellé d'une ligne est un texte."
    unknown = [name for name in row if name not in ("key", "label") and name not in MEASURES]
    if unknown:
        return f"Mesure inconnue : {unknown[0][:40]}."
    if not all(_figure(value) for name, value in row.items() if name not in ("key", "label")):
        return "Une mesure est un nombre (ou un décimal écrit en texte)."
    return None


class FiguresSchema(s.Schema):
    """The figures of the bilan annuel (``saas.bilans``): totals of known measures, and rows of
    known tables; every figure a number, so that the console reads them all."""

    class Meta:
        unknown = marshmallow.INCLUDE

    totaux = s.Dict(keys=s.String(validate=s.max_length(40)), required=True)
    tables = s.Dict(
        keys=s.String(validate=s.max_length(40)),
        values=s.List(fields.Raw(), validate=validate.Length(max=MAX_ROWS)),
        required=True,
    )

    @validates_schema
    def _known_figures(self, data, **kwargs):
        totals = data.get("totaux", {})
        if any(name not in MEASURES or not _figure(value) for name, value in totals.items()):
            raise marshmallow.ValidationError("Un total est une mesure connue et un nombre.", "totaux")
        for table, rows in data.get("tables", {}).items():
            if table not in BREAKDOWNS:
                raise marshmallow.ValidationError(f"Tableau inconnu : {table[:40]}.", "tables")
            fault = next((f for f in (_row_fault(row) for row in rows) if f), None)
            if fault:
                raise marshmallow.ValidationError({table: [fault]}, "tables")


class ProgressSchema(s.Schema):
    """The progress of a lot of the Département, as the territory reports it."""

    lot = s.Integer(required=True)
    obligation = s.String(allow_none=True, load_default=None, validate=validate.Regexp(FIGURE))
    heures = s.String(allow_none=True, load_default=None, validate=validate.Regexp(FIGURE))
    heures_cumulees = s.String(allow_none=True, load_default=None, validate=validate.Regexp(FIGURE))
    taux = s.String(allow_none=True, load_default=None, validate=validate.Regexp(FIGURE))
    personnes = s.Integer(allow_none=True, load_default=None)
    contrats = s.Integer(allow_none=True, load_default=None)


class PeopleSchema(s.Schema):
    generation = s.Integer(required=True, validate=validate.Range(min=1, error="Génération invalide."))
    empreinte = s.String(
        required=True, validate=validate.Regexp(r"^[0-9a-f]{16}$", error="16 chiffres hexadécimaux attendus.")
    )
    cles = s.List(
        s.String(validate=HEX_DIGEST),
        required=True,
        validate=validate.Length(max=MAX_KEYS, error=f"Au plus {MAX_KEYS} clés."),
    )
    sans_cle = s.Integer(required=True, validate=validate.Range(min=0, error="Nombre invalide."))


class PostSchema(s.Schema):
    id = s.Integer(required=True)
    intitule = s.String(required=True, validate=s.max_length(200))
    etp = s.Decimal(required=True, places=2, validate=validate.Range(min=0, max=1, error="ETP entre 0 et 1."))
    debut = s.Date(required=True)
    fin = s.Date(load_default=None, allow_none=True)


class PieceSchema(s.Schema):
    poste = s.Integer(required=True)
    type = s.vocabulary(DeliverableKind, required=True)
    fichier = s.String(required=True, validate=s.max_length(200))
    format = s.String(required=True, validate=validate.OneOf(["application/pdf", "image/png", "image/jpeg"]))
    empreinte = s.String(required=True, validate=HEX_DIGEST)
    #: with the yearly report only
    contenu = s.String(load_default=None, validate=s.max_length(3 * 1024 * 1024))

    @validates_schema
    def _same_content(self, data, **kwargs):
        if data.get("contenu") is None:
            return
        try:
            content = base64.b64decode(data["contenu"], validate=True)
        except ValueError:
            raise marshmallow.ValidationError("Contenu non valide (base64 attendu).", "contenu") from None
        if hashlib.sha256(content).hexdigest() != data["empreinte"]:
            raise marshmallow.ValidationError(
                "L'empreinte ne correspond pas au contenu de la pièce.", "empreinte"
            )


class FundingSchema(s.Schema):
    annee = s.Integer(required=True, validate=validate.Range(min=2000, max=2100, error="Année invalide."))
    postes = s.List(s.Nested(PostSchema), load_default=list, validate=validate.Length(max=50))
    pieces = s.List(s.Nested(PieceSchema), load_default=list, validate=validate.Length(max=200))


class ReportSchema(s.Schema):
    format = s.String(
        required=True, validate=validate.Equal(FORMAT, error=f"Format inconnu ; format attendu : {FORMAT}.")
    )
    federation = s.String(required=True, validate=s.max_length(3))
    territoire = s.Nested(TerritorySchema, required=True)
    periode = s.Nested(PeriodSchema, required=True)
    version = s.Integer(required=True, validate=validate.Range(min=1, max=100_000, error="Version invalide."))
    produit_le = s.DateTime(required=True)
    indicateurs = s.Nested(FiguresSchema, required=True)
    personnes = s.Nested(PeopleSchema, required=True)
    marches_departement = s.List(
        s.Nested(ProgressSchema), load_default=list, validate=validate.Length(max=MAX_ROWS)
    )
    financement = s.Nested(FundingSchema, required=True)
