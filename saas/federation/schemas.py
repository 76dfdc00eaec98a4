"""The format of a report to a Département (``guichet-rapport/1``), as its receiver checks it.

``docs/rapport-departement.md`` documents each field. A report that does not match is refused
with the fields at fault, which the sender records as the reason.
"""

from __future__ import annotations

import marshmallow
from marshmallow import validate, validates_schema

from saas import schemas as s
from saas.federation.models import FORMAT, ReportPeriod

SLUG = validate.Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", error="Code de territoire invalide.")
INSEE = validate.Regexp(r"^[0-9][0-9AB][0-9]{3}$", error="Code INSEE de commune invalide.")
PERSON_KEY = validate.Regexp(r"^[0-9a-f]{64}$", error="Clé de personne invalide (64 chiffres hexadécimaux).")
HOURS = r"^-?[0-9]+(\.[0-9]+)?$"
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
    def _ordered(self, data, **kwargs):
        if data["fin"] < data["debut"]:
            raise marshmallow.ValidationError("La fin de la période précède son début.", "fin")


class FiguresSchema(s.Schema):
    """The figures of the bilan annuel (``saas.bilans``): totals, and rows of tables by their key."""

    class Meta:
        unknown = marshmallow.INCLUDE

    totaux = s.Dict(keys=s.String(validate=s.max_length(40)), required=True)
    tables = s.Dict(
        keys=s.String(validate=s.max_length(40)),
        values=s.List(s.Dict(), validate=validate.Length(max=MAX_ROWS)),
        required=True,
    )


class PeopleSchema(s.Schema):
    generation = s.Integer(required=True, validate=validate.Range(min=1, error="Génération invalide."))
    cles = s.List(
        s.String(validate=PERSON_KEY),
        required=True,
        validate=validate.Length(max=MAX_KEYS, error=f"Au plus {MAX_KEYS} clés."),
    )
    sans_cle = s.Integer(required=True, validate=validate.Range(min=0, error="Nombre invalide."))


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
    marches_departement = s.List(s.Dict(), load_default=list, validate=validate.Length(max=MAX_ROWS))
    financement = s.Dict(load_default=dict)
