"""API resources: monthly hour statements (declare, validate, reject, correct) with the counting in
force and its allocations to lots.

Statements are a ledger: a correction is a new statement that supersedes the one corrected (201),
never an edit. Validation, rejection and correction take the ``row_version`` read as
``expected_version``: when the statement changed in between, the answer is **409** with the
domain's French message, and nothing is written.
"""

from __future__ import annotations

from dataclasses import replace

from flask_smorest import abort
from flask_smorest.error_handler import ErrorSchema

from blueprints.api.auth import token_blueprint
from blueprints.api.resource import Operation, change, creation, listing, reading, route
from blueprints.api.support import body_fields
from saas.audit import api as audit
from saas.bounds import MAX_BATCH
from saas.heures import api as heures
from saas.heures import batch
from saas.heures.enums import Source
from saas.heures.models import Releve
from saas.heures.schemas import (
    ReleveCorrectionSchema,
    ReleveFilterSchema,
    ReleveLotResultSchema,
    ReleveLotSchema,
    ReleveRejectionSchema,
    ReleveSchema,
    ReleveValidationSchema,
)
from saas.schemas import Prepared

blp = token_blueprint(
    "api_releves", __name__, "Relevés mensuels d'heures (registre)", ids={"statement_id": Releve}
)

CONFLICT = "Conflit de version : le relevé a changé depuis sa lecture (expected_version dépassée)."


def present_statements(statements: list[Releve]) -> list[Prepared]:
    """What ``ReleveSchema`` dumps of each statement: the statement, its latest counting and its
    allocations (two queries for the whole page)."""
    countings = heures.latest_countings([statement.id for statement in statements])
    allocations = heures.allocations_by_counting([counting.id for counting in countings.values()])
    presented = []
    for statement in statements:
        counting = countings.get(statement.id)
        if counting is not None:
            counting = Prepared(counting, allocations=allocations[counting.id])
        presented.append(Prepared(statement, counting=counting))
    return presented


def present_statement(statement: Releve) -> Prepared:
    """:func:`present_statements` of one statement."""
    return present_statements([statement])[0]


def _versioned(operation: Operation) -> Operation:
    """An operation that answers 409 when ``expected_version`` is not the statement's any more."""
    return replace(operation, decorators=(blp.alt_response(409, schema=ErrorSchema, description=CONFLICT),))


def _statements(args: dict):
    query = heures.list_query(args.get("status"), args.get("month"), args.get("mission_id"))
    return query.order_by(Releve.month.desc(), Releve.id.desc())


def _validate(actor: audit.Actor, statement: Releve, data: dict) -> None:
    heures.validate(actor, statement, data.get("expected_version"))


def _reject(actor: audit.Actor, statement: Releve, data: dict) -> None:
    with body_fields({"rejection_reason": "reason"}):
        heures.reject(actor, statement, data["reason"], data.get("expected_version"))


def _declare(actor: audit.Actor, **data) -> Releve:
    return heures.declare(actor, source=Source.api.value, **data)


def _declare_batch(actor: audit.Actor, data: dict) -> list[dict]:
    """The lines of the answer, read before the commit (after it, every row would be read again)."""
    try:
        lines = batch.declare_batch(actor, data["releves"], source=Source.api.value)
    except batch.BatchError as error:
        # the shape of a schema's errors on a list: {"json": {"releves": {index: {field: [...]}}}}
        abort(422, message=error.message, errors={"json": {"releves": error.errors}})
    return [
        {
            "index": line.index,
            "id": line.statement.id,
            "mission_id": line.statement.mission_id,
            "month": line.statement.month,
            "status": line.statement.status,
            "row_version": line.statement.row_version,
            "counted_hours": line.counting.counted_hours if line.counting is not None else None,
        }
        for line in lines
    ]


def present_batch(lines: list[dict]) -> dict:
    """What ``ReleveLotResultSchema`` dumps: one line per statement written, in the batch's order."""
    validated = sum(1 for line in lines if line["counted_hours"] is not None)
    return {"count": len(lines), "validated": validated, "items": lines}


def _correct(actor: audit.Actor, statement: Releve, **data) -> Releve:
    return heures.correct(actor, statement, source=Source.api.value, **data)


route(
    blp,
    "/releves",
    "Statements",
    get=listing(
        ReleveSchema,
        """Relevés en vigueur (non remplacés).

        Le mois le plus récent en premier ; filtres : statut, mois, mission.
        """,
        _statements,
        ReleveFilterSchema,
        present_page=present_statements,
    ),
    post=creation(
        ReleveSchema,
        """Déclarer les heures d'un mois d'une mission.

        Provenance : api. Un relevé au plus par mission et par mois : sinon, corrigez-le.
        """,
        _declare,
        spread=True,
        present=present_statement,
    ),
)
route(
    blp,
    "/releves/lot",
    "ReleveBatch",
    post=creation(
        ReleveLotResultSchema,
        f"""Déclarer, et valider si demandé, un lot de relevés (jusqu'à {MAX_BATCH}).

        Chaque relevé suit les règles d'une déclaration seule (et d'une validation avec
        `validate: true`), journal compris. Tout ou rien : un lot dont un relevé est refusé
        n'enregistre rien et répond 422 en nommant chaque relevé refusé par son rang (à partir
        de 0) et chaque champ en cause (`errors.json.releves.<rang>.<champ>` ; `_schema` : ce qui
        ne tient pas à un champ). Un relevé est jugé après ceux qui le précèdent dans le lot.
        """,
        _declare_batch,
        body=ReleveLotSchema,
        present=present_batch,
    ),
)
route(
    blp,
    "/releves/<int:statement_id>",
    "ReleveItem",
    Releve,
    get=reading(
        ReleveSchema,
        """Un relevé, avec son comptage en vigueur.

        Heures réalisées et comptées, étapes du calcul, affectations aux lots.
        """,
        present_statement,
    ),
)
route(
    blp,
    "/releves/<int:statement_id>/validation",
    "ReleveValidation",
    Releve,
    post=_versioned(
        change(
            ReleveValidationSchema,
            ReleveSchema,
            """Valider un relevé déclaré.

            Il est compté selon les règles en vigueur et ses heures sont affectées aux lots.
            409 si `expected_version` n'est plus la version du relevé (`row_version`) ; 422 si le
            relevé n'est pas déclaré et en vigueur.
            """,
            _validate,
            present=present_statement,
        )
    ),
)
route(
    blp,
    "/releves/<int:statement_id>/rejet",
    "ReleveRejection",
    Releve,
    post=_versioned(
        change(
            ReleveRejectionSchema,
            ReleveSchema,
            """Rejeter un relevé déclaré.

            Motif obligatoire ; 409 si `expected_version` n'est plus la version du relevé.
            """,
            _reject,
            present=present_statement,
        )
    ),
)
route(
    blp,
    "/releves/<int:statement_id>/correction",
    "ReleveCorrection",
    Releve,
    post=_versioned(
        creation(
            ReleveSchema,
            """Corriger un relevé : un nouveau relevé le remplace.

            Le nouveau relevé, déclaré, porte `supersedes_id` ; l'ancien garde ses chiffres et ses
            heures ne sont plus comptées. 409 si `expected_version` n'est plus la version du relevé.
            """,
            _correct,
            spread=True,
            body=ReleveCorrectionSchema,
            present=present_statement,
        )
    ),
)
