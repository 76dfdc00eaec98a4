"""Marshmallow schemas of marchés, lots, their figures and the dated hourly costs (JSON API).

Field names are English (the domain terms of domain.md excepted). Shares are fractions
(``0.05`` = 5 %), amounts are euros HT, decimals are written as strings. Every message is French
and attached to the field it is about; :func:`load` turns the first one into the domain's
``ValidationError(field, message)`` for callers that speak that language.
"""

from __future__ import annotations

from collections.abc import Mapping

import marshmallow
from marshmallow import fields, validate

from saas.errors import ValidationError
from saas.marches.enums import Consideration, LotFigureKind, ObligationMode, Rounding

_COMMON = {
    "required": "Ce champ est obligatoire.",
    "null": "Ce champ ne peut pas être vide.",
    "validator_failed": "Valeur non valide.",
}


class String(fields.String):
    default_error_messages = {**_COMMON, "invalid": "Saisissez un texte."}


class Integer(fields.Integer):
    default_error_messages = {**_COMMON, "invalid": "Saisissez un nombre entier."}


class DecimalString(fields.Decimal):
    default_error_messages = {
        **_COMMON,
        "invalid": "Saisissez un nombre.",
        "special": "Saisissez un nombre fini.",
        "too_large": "Nombre trop grand.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("as_string", True)
        kwargs.setdefault("allow_none", True)
        super().__init__(**kwargs)


class Date(fields.Date):
    default_error_messages = {**_COMMON, "invalid": "Saisissez une date au format AAAA-MM-JJ."}


class DateTime(fields.DateTime):
    default_error_messages = {**_COMMON, "invalid": "Saisissez une date et une heure ISO 8601."}


class Boolean(fields.Boolean):
    default_error_messages = {**_COMMON, "invalid": "Indiquez vrai ou faux."}


class List(fields.List):
    default_error_messages = {**_COMMON, "invalid": "Donnez une liste."}


class Dict(fields.Dict):
    default_error_messages = {**_COMMON, "invalid": "Donnez un objet."}


class Schema(marshmallow.Schema):
    error_messages = {"unknown": "Champ inconnu.", "type": "Données non valides : un objet JSON est attendu."}


def _one_of(enum_class, message: str) -> validate.OneOf:
    return validate.OneOf([member.value for member in enum_class], error=message)


def _share(description: str) -> DecimalString:
    return DecimalString(
        places=4,
        validate=validate.Range(0, 1, min_inclusive=False, error="Indiquez une part entre 0 (exclu) et 1."),
        metadata={"description": description},
    )


def _positive(description: str, allow_zero: bool = False, places: int = 2) -> DecimalString:
    error = "La valeur doit être positive ou nulle." if allow_zero else "La valeur doit être positive."
    return DecimalString(
        places=places,
        validate=validate.Range(0, None, min_inclusive=allow_zero, error=error),
        metadata={"description": description},
    )


# --- hourly costs ------------------------------------------------------------------------------------------


class HourlyCostSchema(Schema):
    id = Integer(dump_only=True)
    valid_from = Date(
        required=True, metadata={"description": "Date à partir de laquelle le coût s'applique."}
    )
    amount = _positive("Coût horaire en euros.")
    note = String(allow_none=True, validate=validate.Length(max=200, error="200 caractères au plus."))
    created_at = DateTime(dump_only=True)


# --- marchés -------------------------------------------------------------------------------------------------


class MarcheInputSchema(Schema):
    donneur_ordre_id = Integer(
        required=True, metadata={"description": "Organisation de type donneur d'ordre."}
    )
    reference = String(required=True, validate=validate.Length(1, 60, error="Entre 1 et 60 caractères."))
    object = String(required=True, validate=validate.Length(1, 500, error="Entre 1 et 500 caractères."))
    sector = String(allow_none=True, metadata={"description": "Code de la liste de référence « secteur »."})
    procedure = String(
        allow_none=True, metadata={"description": "Code de la liste de référence « procédure »."}
    )
    notification_date = Date(allow_none=True)
    start_date = Date(allow_none=True)
    end_date = Date(allow_none=True)
    amount_ht = _positive("Montant HT du marché en euros.", allow_zero=True)
    anru = Boolean(load_default=False)
    anru_project_id = String(
        allow_none=True, validate=validate.Length(max=40, error="40 caractères au plus.")
    )
    execution_communes = List(
        String(
            validate=validate.Regexp(r"^(\d{5}|2[AB]\d{3})$", error="Code INSEE non valide (5 caractères).")
        ),
        load_default=list,
        metadata={"description": "Codes INSEE des communes d'exécution."},
    )
    considerations = List(
        String(validate=_one_of(Consideration, "Considération sociale inconnue.")), load_default=list
    )
    hourly_cost_override = _positive("Coût horaire propre au marché (remplace le barème du territoire).")
    notes = String(allow_none=True)


class MarcheSchema(MarcheInputSchema):
    id = Integer(dump_only=True)
    created_at = DateTime(dump_only=True)


# --- lots ------------------------------------------------------------------------------------------------------


class LotInputSchema(Schema):
    number = String(required=True, validate=validate.Length(1, 20, error="Entre 1 et 20 caractères."))
    object = String(required=True, validate=validate.Length(1, 500, error="Entre 1 et 500 caractères."))
    amount_ht = _positive("Montant HT du lot en euros.", allow_zero=True)
    attributaire_id = Integer(
        allow_none=True, metadata={"description": "Entreprise, SIAE, GEIQ, EA/ESAT ou ETT."}
    )
    obligation_mode = String(
        required=True,
        validate=_one_of(ObligationMode, "Mode de calcul inconnu (fixed, formula, percentage, per_amount)."),
    )
    rounding = String(
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
    notes = String(allow_none=True)


class LotSchema(LotInputSchema):
    id = Integer(dump_only=True)
    marche_id = Integer(dump_only=True)
    obligation_hours = DecimalString(dump_only=True)
    obligation_inputs = Dict(
        dump_only=True, metadata={"description": "Valeurs utilisées pour le calcul et phrase d'explication."}
    )
    created_at = DateTime(dump_only=True)


class LotSubcontractorSchema(Schema):
    id = Integer(dump_only=True)
    lot_id = Integer(dump_only=True)
    organisation_id = Integer(required=True)
    role = String(
        load_default="sous_traitant",
        validate=validate.OneOf(
            ["sous_traitant", "cotraitant"], error="Rôle inconnu (sous_traitant, cotraitant)."
        ),
    )


class LotFigureSchema(Schema):
    id = Integer(dump_only=True)
    lot_id = Integer(dump_only=True)
    kind = String(
        required=True, validate=_one_of(LotFigureKind, "Relevé inconnu (invoiced_amount, hours_worked).")
    )
    recorded_on = Date(required=True)
    value = _positive("Montant facturé HT ou heures travaillées de la période.", allow_zero=True)
    note = String(allow_none=True, validate=validate.Length(max=200, error="200 caractères au plus."))
    created_at = DateTime(dump_only=True)


def _first_error(messages, prefix: str = "") -> tuple[str, str]:
    """The first (field path, message) of marshmallow's nested error messages."""
    if isinstance(messages, Mapping):
        key, value = next(iter(messages.items()))
        path = f"{prefix}.{key}" if prefix and not isinstance(key, int) else (prefix or str(key))
        return _first_error(value, path)
    if isinstance(messages, list | tuple) and messages:
        return _first_error(messages[0], prefix)
    return prefix or "_schema", str(messages)


def load(schema: marshmallow.Schema, data: Mapping, partial: bool = False) -> dict:
    """``schema.load(data)``, the first error raised as ``ValidationError(field, message)``."""
    try:
        return schema.load(data, partial=partial)
    except marshmallow.ValidationError as error:
        field, message = _first_error(error.messages)
        raise ValidationError(field, message) from None
