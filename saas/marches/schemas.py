"""Marshmallow schemas of marchés, lots, their figures and the dated hourly costs (JSON API).

Field names are English (the domain terms of docs/domain.md excepted). Shares are fractions
(``0.05`` = 5 %), amounts are euros HT, decimals are written as strings. Every message is French
and attached to the field it is about; :func:`load` turns the first one into the domain's
``ValidationError(field, message)`` for callers that speak that language.
"""

from __future__ import annotations

from collections.abc import Mapping

import marshmallow
from marshmallow import validate

from saas import schemas as s
from saas.errors import ValidationError
from saas.marches.enums import Consideration, LotFigureKind, ObligationMode, Rounding
from saas.marches.models import Marche


class DecimalString(s.Decimal):
    """A decimal written as a string (``"0.05"``), empty allowed unless said otherwise."""

    default_error_messages = {
        **s.Decimal.default_error_messages,
        "special": "Un nombre fini est attendu.",
        "too_large": "Nombre trop grand.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("as_string", True)
        kwargs.setdefault("allow_none", True)
        super().__init__(**kwargs)


def _one_of(enum_class, message: str) -> validate.OneOf:
    return validate.OneOf([member.value for member in enum_class], error=message)


def _share(description: str) -> DecimalString:
    return DecimalString(
        places=4,
        validate=validate.Range(0, 1, min_inclusive=False, error="Indiquez une part entre 0 (exclu) et 1."),
        metadata={"description": description},
    )


def _positive(description: str, allow_zero: bool = False, places: int = 2, **kwargs) -> DecimalString:
    error = "La valeur doit être positive ou nulle." if allow_zero else "La valeur doit être positive."
    return DecimalString(
        places=places,
        validate=validate.Range(0, None, min_inclusive=allow_zero, error=error),
        metadata={"description": description},
        **kwargs,
    )


def _communes(**kwargs) -> s.List:
    return s.List(
        s.String(
            validate=validate.Regexp(r"^(\d{5}|2[AB]\d{3})$", error="Code INSEE non valide (5 caractères).")
        ),
        metadata={"description": "Codes INSEE des communes d'exécution."},
        **kwargs,
    )


def _considerations(**kwargs) -> s.List:
    return s.List(s.String(validate=_one_of(Consideration, "Considération sociale inconnue.")), **kwargs)


# --- hourly costs ------------------------------------------------------------------------------------------


class HourlyCostSchema(s.Schema):
    id = s.Integer(dump_only=True)
    valid_from = s.Date(
        required=True, metadata={"description": "Date à partir de laquelle le coût s'applique."}
    )
    amount = _positive("Coût horaire en euros.")
    note = s.String(allow_none=True, validate=s.max_length(200))
    created_at = s.DateTime(dump_only=True)


# --- marchés -------------------------------------------------------------------------------------------------


class MarcheInputSchema(s.Schema):
    donneur_ordre_id = s.Integer(
        required=True, metadata={"description": "Organisation de type donneur d'ordre."}
    )
    reference = s.String(required=True, validate=validate.Length(1, 60, error="Entre 1 et 60 caractères."))
    object = s.String(required=True, validate=validate.Length(1, 500, error="Entre 1 et 500 caractères."))
    operation = s.String(
        allow_none=True,
        validate=s.max_length(200),
        metadata={
            "description": "Opération (programme de travaux ou de services) dont le marché fait partie."
        },
    )
    sector = s.String(allow_none=True, metadata={"description": "Code de la liste de référence « secteur »."})
    procedure = s.String(
        allow_none=True, metadata={"description": "Code de la liste de référence « procédure »."}
    )
    notification_date = s.Date(allow_none=True)
    start_date = s.Date(allow_none=True)
    end_date = s.Date(allow_none=True)
    amount_ht = _positive("Montant HT du marché en euros.", allow_zero=True)
    anru = s.Boolean(load_default=False)
    anru_project_id = s.String(allow_none=True, validate=s.max_length(40))
    execution_communes = _communes(load_default=list)
    considerations = _considerations(load_default=list)
    hourly_cost_override = _positive("Coût horaire propre au marché (remplace le barème du territoire).")
    notes = s.String(allow_none=True)


class MarcheSchema(MarcheInputSchema):
    id = s.Integer(dump_only=True)
    created_at = s.DateTime(dump_only=True)


class MarcheUpdateSchema(MarcheSchema):
    """Every field optional and without default (PATCH): only the fields sent are changed."""

    donneur_ordre_id = s.Integer(metadata={"description": "Organisation de type donneur d'ordre."})
    reference = s.String(validate=validate.Length(1, 60, error="Entre 1 et 60 caractères."))
    object = s.String(validate=validate.Length(1, 500, error="Entre 1 et 500 caractères."))
    anru = s.Boolean()
    execution_communes = _communes()
    considerations = _considerations()


class MarcheSummarySchema(s.Schema):
    """A row of the list of marchés (``api.search_marches``)."""

    marche = s.Columns(Marche, "id", "reference", "object")
    donneur_name = s.String(dump_only=True, metadata={"description": "Nom du donneur d'ordre"})
    details = s.Columns(Marche, "sector", "anru", "notification_date", "start_date")
    amount_ht = DecimalString(dump_only=True)


class MarcheFilterSchema(s.Schema):
    """The filters of ``repository.MarcheFilters``; ``q`` is its ``text``."""

    donneur_ordre_id = s.Integer(metadata={"description": "Donneur d'ordre"})
    sector = s.String(validate=s.max_length(40), metadata={"description": "Code du secteur"})
    anru = s.Boolean(metadata={"description": "true : marchés ANRU seulement ; false : les autres"})
    year = s.Integer(
        validate=validate.Range(1990, 2100, error="Une année entre 1990 et 2100."),
        metadata={"description": "Année de notification (de début d'exécution à défaut)"},
    )
    q = s.String(metadata={"description": "Référence, objet, donneur d'ordre ou projet ANRU (contient)"})


# --- lots ------------------------------------------------------------------------------------------------------


class LotInputSchema(s.Schema):
    number = s.String(required=True, validate=validate.Length(1, 20, error="Entre 1 et 20 caractères."))
    object = s.String(required=True, validate=validate.Length(1, 500, error="Entre 1 et 500 caractères."))
    amount_ht = _positive("Montant HT du lot en euros.", allow_zero=True)
    attributaire_id = s.Integer(
        allow_none=True, metadata={"description": "Entreprise, SIAE, GEIQ, EA/ESAT ou ETT."}
    )
    obligation_mode = s.String(
        required=True,
        validate=_one_of(ObligationMode, "Mode de calcul inconnu (fixed, formula, percentage, per_amount)."),
    )
    rounding = s.String(
        load_default="nearest", validate=_one_of(Rounding, "Arrondi inconnu (nearest, up, down).")
    )
    fixed_hours = _positive("Mode fixed : nombre d'heures.", allow_zero=True)
    labour_share = _share("Mode formula : part de main-d'œuvre (0.5 = 50 %).")
    insertion_rate = _share("Mode formula : taux d'insertion (0.05 = 5 %).")
    hourly_cost_override = _positive("Mode formula : coût horaire propre au lot.")
    hours_share = _share("Mode percentage : part des heures travaillées (0.07 = 7 %).")
    per_amount_hours = _positive("Mode per_amount : heures dues par tranche.")
    per_amount_base = _positive("Mode per_amount : montant HT de la tranche (ex. 2000).")
    penalty_per_hour = _positive("Pénalité par heure non réalisée, en euros.", allow_zero=True)
    notes = s.String(allow_none=True)


class LotSchema(LotInputSchema):
    id = s.Integer(dump_only=True)
    marche_id = s.Integer(dump_only=True)
    obligation_hours = DecimalString(dump_only=True)
    obligation_inputs = s.Dict(
        dump_only=True, metadata={"description": "Valeurs utilisées pour le calcul et phrase d'explication."}
    )
    created_at = s.DateTime(dump_only=True)


class LotUpdateSchema(LotSchema):
    """Every field optional and without default (PATCH): the obligation is recomputed."""

    number = s.String(validate=validate.Length(1, 20, error="Entre 1 et 20 caractères."))
    object = s.String(validate=validate.Length(1, 500, error="Entre 1 et 500 caractères."))
    obligation_mode = s.String(
        validate=_one_of(ObligationMode, "Mode de calcul inconnu (fixed, formula, percentage, per_amount)."),
    )
    rounding = s.String(validate=_one_of(Rounding, "Arrondi inconnu (nearest, up, down)."))


class LotSubcontractorSchema(s.Schema):
    id = s.Integer(dump_only=True)
    lot_id = s.Integer(dump_only=True)
    organisation_id = s.Integer(required=True)
    role = s.String(
        load_default="sous_traitant",
        validate=validate.OneOf(
            ["sous_traitant", "cotraitant"], error="Rôle inconnu (sous_traitant, cotraitant)."
        ),
    )


class LotFigureSchema(s.Schema):
    id = s.Integer(dump_only=True)
    lot_id = s.Integer(dump_only=True)
    kind = s.String(
        required=True, validate=_one_of(LotFigureKind, "Relevé inconnu (invoiced_amount, hours_worked).")
    )
    recorded_on = s.Date(required=True)
    value = _positive(
        "Montant facturé HT ou heures travaillées de la période.",
        allow_zero=True,
        required=True,
        allow_none=False,
    )
    note = s.String(allow_none=True, validate=s.max_length(200))
    created_at = s.DateTime(dump_only=True)


def _all_errors(messages, prefix: str = "") -> dict[str, list[str]]:
    """Every (field path, messages) of marshmallow's nested error messages."""
    if isinstance(messages, Mapping):
        errors: dict[str, list[str]] = {}
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix and not isinstance(key, int) else (prefix or str(key))
            for field, found in _all_errors(value, path).items():
                errors.setdefault(field, []).extend(found)
        return errors
    if isinstance(messages, list | tuple):
        return {prefix or "_schema": [str(message) for message in messages]}
    return {prefix or "_schema": [str(messages)]}


def load(schema: marshmallow.Schema, data: Mapping, partial: bool = False) -> dict:
    """``schema.load(data)``; its errors, every one of every field, raised as one ``ValidationError``."""
    try:
        return schema.load(data, partial=partial)
    except marshmallow.ValidationError as error:
        raise ValidationError.of(_all_errors(error.messages)) from None
