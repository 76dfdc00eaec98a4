"""Marshmallow schemas of the bilans (JSON API): the request that produces one, a saved bilan as
it was produced (its figures as saved: decimals as strings, keys of ``saas.bilans.indicators``),
and what a new production would change. Every message is French and names its field."""

from __future__ import annotations

from saas import schemas as s
from saas.bilans.indicators import BREAKDOWNS, MEASURES
from saas.bilans.kinds import BilanKind
from saas.bilans.periods import PeriodKind
from saas.bilans.scopes import ScopeKind
from saas.jobs.enums import RunStatus


class BilanRequestSchema(s.Schema):
    """What to produce: the bilan, its scope, its period (a year and a number, or two dates)."""

    kind = s.vocabulary(BilanKind, "Bilan", required=True)
    scope_kind = s.vocabulary(ScopeKind, "Périmètre", required=True)
    scope_key = s.String(
        load_default=None,
        allow_none=True,
        validate=s.max_length(20),
        metadata={
            "description": "Identifiant de l'objet du périmètre (code INSEE ou QPV pour une commune ou un QPV) ; null pour le territoire"
        },
    )
    period_kind = s.vocabulary(PeriodKind, "Période", required=True)
    year = s.Integer(
        load_default=None,
        allow_none=True,
        metadata={"description": "Année (mois, trimestre, semestre, année)"},
    )
    number = s.Integer(
        load_default=None,
        allow_none=True,
        metadata={"description": "Numéro du mois, du trimestre ou du semestre dans l'année"},
    )
    start = s.Date(
        load_default=None, allow_none=True, metadata={"description": "Premier jour (dates choisies)"}
    )
    end = s.Date(
        load_default=None, allow_none=True, metadata={"description": "Dernier jour (dates choisies)"}
    )


class BilanSummarySchema(s.Schema):
    id = s.Integer(dump_only=True)
    kind = s.vocabulary(BilanKind, "Bilan", dump_only=True)
    kind_label = s.Label(BilanKind, "kind")
    scope_kind = s.vocabulary(ScopeKind, "Périmètre", dump_only=True)
    scope_key = s.String(dump_only=True, allow_none=True)
    scope_label = s.String(dump_only=True)
    period_kind = s.vocabulary(PeriodKind, "Période", dump_only=True)
    period_start = s.Date(dump_only=True)
    period_end = s.Date(dump_only=True)
    created_at = s.DateTime(dump_only=True)


class BilanSchema(BilanSummarySchema):
    figures = s.Dict(
        dump_only=True,
        metadata={
            "description": "Les chiffres tels qu'ils ont été produits : « totaux » (mesures : "
            + ", ".join(sorted(MEASURES))
            + ") et « tables » (par code : "
            + ", ".join(sorted(BREAKDOWNS))
            + "), chaque ligne avec sa clé, son libellé et ses mesures ; heures et taux en chaînes décimales"
        },
    )
    rule_versions = s.List(
        s.Dict(), dump_only=True, metadata={"description": "Versions des règles de comptage appliquées"}
    )
    format_version = s.Integer(dump_only=True)


class BilanChangeSchema(s.Schema):
    """A figure of a saved bilan that a new production would change."""

    table = s.String(dump_only=True, metadata={"description": "« totaux » ou le code du tableau"})
    row = s.String(dump_only=True, metadata={"description": "Libellé de la ligne"})
    measure = s.String(dump_only=True)
    saved = s.String(dump_only=True, allow_none=True)
    now = s.String(dump_only=True, allow_none=True)


class BilanProductionSchema(s.Schema):
    """A bilan produced by a worker (a period of more than a year): the run's progress, then the
    bilan it produced."""

    id = s.Integer(dump_only=True, metadata={"description": "Identifiant de la production"})
    status = s.String(dump_only=True, metadata={"description": "pending, started, finished ou failed"})
    status_label = s.Label(RunStatus, "status")
    progress = s.Integer(dump_only=True, metadata={"description": "Avancement, de 0 à 100"})
    message = s.String(dump_only=True, allow_none=True)
    bilan_id = s.Integer(
        dump_only=True,
        allow_none=True,
        metadata={"description": "Le bilan produit, une fois la production terminée (sinon null)"},
    )
