"""Monthly hour statements: the list to validate, declaration with a proof, the statement page with
its counting, allocations and history, and the decisions (validate, reject, correct); the proofs;
mutualisation agreements."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from flask import flash, redirect, render_template, request, send_file, url_for

from blueprints.choosers import resolve
from blueprints.forms import FAILED, Form, status_of
from blueprints.guichet.hours_forms import (
    AgreementForm,
    CorrectForm,
    RejectForm,
    ReleveFilterForm,
    ReleveForm,
    ValidateForm,
)
from blueprints.guichet.mission_views import STATUS_BADGES
from blueprints.guichet.views import bp
from blueprints.listing import Listing
from blueprints.ui import int_arg
from blueprints.views_common import ListPage, submitted
from saas import formats
from saas.accounts import memberships
from saas.db import db
from saas.errors import ConflictError
from saas.heures import api as heures
from saas.heures.enums import AllocationKey, ReleveStatus, Source
from saas.heures.models import MutualisationAgreement, Releve, ReleveJustificatif
from saas.parcours import api as parcours
from saas.parcours.models import Mission
from saas.partenaires import api as partenaires
from saas.participants import api as participants
from tenants.web import load_scoped, request_actor


@bp.app_template_filter("mois_fr")
def month_fr(value: date | None) -> str:
    """« mars 2025 »."""
    return formats.month(value)


def _month(text: str | None) -> date | None:
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return None


def _version(form) -> int | None:
    try:
        return int(form.expected_version.data)
    except (TypeError, ValueError):
        return None


# --- the list ------------------------------------------------------------------------------------

STATEMENTS = ListPage(
    "guichet/releves.html",
    "releves-heures",
    ("Mois", "month"),
    ("Participant", "reference"),
    ("Employeur", "employer"),
    ("Heures travaillées", "worked_hours"),
    ("Heures de formation", "training_hours"),
    ("Heures réalisées", "raw"),
    ("Heures comptées", "counted"),
    ("Statut", lambda row: ReleveStatus(row.status).label),
    ("Déclaré le", "declared_at"),
    ("Déclaré par", lambda row: Source(row.source).label),
    ("Heures du mois précédent", "previous"),
    ("Heures remplacées", "replaced"),
)


def _declarers(rows) -> dict:
    """Who declared each statement shown: their name and organisation."""
    return {"declarers": memberships.who_is(row.declared_by for row in rows)}


@bp.route("/heures/")
def statements():
    form = ReleveFilterForm(request.args)
    resolve(form.mission, parcours.mission_options)
    form.validate()
    status = form.statut.data if form.statut.data in set(ReleveStatus) else None
    filters = heures.ReleveFilters(
        status=status,
        month=_month(form.mois.data) if not form.mois.errors else None,
        mission_id=int_arg(form.mission.data),
    )
    return STATEMENTS.render(
        Listing(heures.statement_rows(filters), heures.statement_sorts(), "-mois"),
        page_context=_declarers,
        form=form,
        status_label=lambda code: ReleveStatus(code).label,
        status_badge=lambda code: STATUS_BADGES[ReleveStatus(code)],
        source_label=lambda code: Source(code).label,
        awaiting=heures.awaiting_validation_count(),
    )


# --- declaration ---------------------------------------------------------------------------------


def _declare(mission: Mission, form: ReleveForm) -> Releve:
    """The statement of the form, with its proof when one is sent."""
    statement = heures.declare(
        request_actor(),
        mission.id,
        _month(form.month.data),
        form.worked_hours.data,
        form.training_hours.data or Decimal(0),
        form.absence_hours.data or Decimal(0),
        source=Source.facilitateur,
        comment=form.comment.data,
        confirm_over_contract=form.confirm_over_contract.data,
    )
    upload = form.proof.data
    if upload and upload.filename:
        heures.attach_proof(request_actor(), statement, upload.filename, upload.mimetype, upload.read())
    return statement


@bp.route("/missions/<int:mission_id>/heures/nouveau", methods=["GET", "POST"])
def statement_new(mission_id: int):
    mission = load_scoped(Mission, mission_id)
    form = ReleveForm()
    form.set_months(
        heures.declarable_months(mission), {s.month for s in heures.statements_of_mission(mission.id)}
    )
    statement = submitted(
        form, lambda: _declare(mission, form), "Le relevé est enregistré ; il attend la validation."
    )
    if statement is not FAILED:
        return redirect(url_for("guichet.statement", statement_id=statement.id))
    return render_template(
        "guichet/releve_new.html",
        form=form,
        mission=mission,
        participant=participants.get(mission.participant_id),
        employer=partenaires.get(mission.employer_id),
    ), status_of(form)


# --- the statement page --------------------------------------------------------------------------


def _chain(statement: Releve) -> list[Releve]:
    """Every version of this month's statement, newest first (corrections supersede, never overwrite)."""
    newer = []
    current = heures.superseding(statement.id)
    while current is not None:
        newer.append(current)
        current = heures.superseding(current.id)
    return list(reversed(newer)) + heures.history(statement.id)


def _allocations(counting) -> list[dict]:
    if counting is None:
        return []
    allocations = heures.allocations_of(counting.id)
    labels = parcours.lot_labels(a.lot_id for a in allocations)
    agreements = {a.agreement_id: heures.agreement(a.agreement_id) for a in allocations if a.agreement_id}
    return [
        {
            "lot_id": a.lot_id,
            "lot": labels.get(a.lot_id),
            "hours": a.hours,
            "agreement": agreements.get(a.agreement_id),
        }
        for a in allocations
    ]


def render_statement(statement: Releve, status: int = 200, sent=None):
    """The statement page; ``sent``, a decision form sent with errors, stands in place of the blank
    form of its kind, to show them."""
    mission = load_scoped(Mission, statement.mission_id)
    counting = heures.current_counting(statement.id)
    in_force = statement.superseded_at is None and statement.status != ReleveStatus.rejected
    declared = in_force and statement.status == ReleveStatus.declared
    # a validated statement stays in force while its correction waits for a decision
    pending = None
    if in_force and statement.status == ReleveStatus.validated:
        pending = next(
            (
                s
                for s in heures.open_statements(statement.mission_id, statement.month)
                if s.id != statement.id
            ),
            None,
        )

    def decision_form(form_class, **values):
        if type(sent) is form_class:
            return sent
        return form_class(formdata=None, expected_version=statement.row_version, **values)

    return render_template(
        "guichet/releve.html",
        statement=statement,
        status_enum=ReleveStatus(statement.status),
        status_label=lambda code: ReleveStatus(code).label,
        status_badges=STATUS_BADGES,
        mission=mission,
        participant=participants.get(mission.participant_id),
        employer=partenaires.get(mission.employer_id),
        lot_label=parcours.lot_labels([mission.lot_id]).get(mission.lot_id),
        bounds=heures.month_bounds(mission, statement.month),
        counting=counting,
        retired=heures.latest_counting(statement.id) if counting is None else None,
        allocations=_allocations(counting),
        chain=_chain(statement),
        proofs=heures.proofs_of(statement.id),
        in_force=in_force,
        declared=declared,
        pending=pending,
        validate_form=decision_form(ValidateForm),
        reject_form=decision_form(RejectForm),
        correct_form=decision_form(
            CorrectForm,
            worked_hours=statement.worked_hours,
            training_hours=statement.training_hours,
            absence_hours=statement.absence_hours,
        ),
    ), status


@bp.route("/heures/<int:statement_id>")
def statement(statement_id: int):
    return render_statement(load_scoped(Releve, statement_id))


def _decision(rule: str, form_class: type[Form], success: str):
    """The view of a decision posted on a statement at ``rule``: the decorated ``decide(statement,
    form)`` runs once the form is valid, then the page of the statement (of the new one, for a
    correction) says ``success``; on a refusal, the page shows the message in the form."""

    def register(decide):
        @bp.route(rule, methods=["POST"], endpoint=decide.__name__)
        def view(statement_id: int):
            statement = load_scoped(Releve, statement_id)
            form = form_class()
            result = form.attempt_if_valid(lambda: decide(statement, form))
            if result is not FAILED:
                flash(success, "success")
                target = result.id if isinstance(result, Releve) else statement.id
                return redirect(url_for("guichet.statement", statement_id=target))
            status = 409 if isinstance(form.refusal, ConflictError) else 400  # 409: changed meanwhile
            return render_statement(load_scoped(Releve, statement.id), status, sent=form)

        return view

    return register


@_decision(
    "/heures/<int:statement_id>/valider", ValidateForm, "Le relevé est validé ; ses heures sont comptées."
)
def statement_validate(statement: Releve, form: ValidateForm):
    return heures.validate(request_actor(), statement, expected_version=_version(form))


@_decision("/heures/<int:statement_id>/rejeter", RejectForm, "Le relevé est rejeté.")
def statement_reject(statement: Releve, form: RejectForm):
    return heures.reject(
        request_actor(), statement, form.rejection_reason.data, expected_version=_version(form)
    )


@_decision(
    "/heures/<int:statement_id>/corriger",
    CorrectForm,
    "La correction est enregistrée ; elle attend la validation. Le relevé corrigé reste dans l'historique.",
)
def statement_correct(statement: Releve, form: CorrectForm):
    return heures.correct(
        request_actor(),
        statement,
        form.worked_hours.data,
        form.training_hours.data or Decimal(0),
        form.absence_hours.data or Decimal(0),
        source=Source.facilitateur,
        comment=form.comment.data,
        expected_version=_version(form),
        confirm_over_contract=form.confirm_over_contract.data,
    )


@bp.route("/justificatifs/<int:proof_id>")
def statement_proof(proof_id: int):
    proof = heures.read_proof(request_actor(), load_scoped(ReleveJustificatif, proof_id))
    db.session.commit()
    return send_file(
        io.BytesIO(proof.content), mimetype=proof.mimetype, as_attachment=True, download_name=proof.filename
    )


# --- mutualisation -------------------------------------------------------------------------------


def _agreement_form() -> AgreementForm:
    form = AgreementForm()
    for entry in form.members:
        resolve(entry.form.lot_id, parcours.lot_choices)
    return form


def _member_lots(form: AgreementForm) -> list[tuple[int, Decimal | None]]:
    explicit = form.allocation_key.data == AllocationKey.explicit
    members = []
    for entry in form.members:
        lot_id = int_arg(entry.form.lot_id.data)
        if lot_id is None:
            continue
        share = entry.form.share.data
        members.append((lot_id, share / 100 if explicit and share is not None else None))
    return members


@bp.route("/mutualisations/", methods=["GET", "POST"])
def agreements():
    form = _agreement_form()
    agreement = submitted(
        form,
        lambda: heures.create_agreement(
            request_actor(),
            member_lots=_member_lots(form),
            **form.values("name", "valid_from", "valid_to", "allocation_key", "notes"),
        ),
        "La mutualisation est enregistrée.",
    )
    if agreement is not FAILED:
        return redirect(url_for("guichet.agreement", agreement_id=agreement.id))
    return render_template(
        "guichet/agreements.html",
        form=form,
        rows=heures.agreement_rows(),
        key_label=lambda code: AllocationKey(code).label,
    ), status_of(form)


@bp.route("/mutualisations/<int:agreement_id>")
def agreement(agreement_id: int):
    item = load_scoped(MutualisationAgreement, agreement_id)
    members = heures.member_rows(item.id)
    return render_template(
        "guichet/agreement.html",
        agreement=item,
        key_label=AllocationKey(item.allocation_key).label,
        members=members,
        total=sum((m.allocated for m in members), Decimal(0)),
    )
