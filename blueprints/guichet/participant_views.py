"""Facilitateur workspace: participants, their file, prescriptions and bilan d'entrée.

Reading the file (identity) goes through ``participants.read_file``, which audits the read; the
list shows names without an audit entry per row (docs/domain.md: every read of a participant *file* is
logged). Eligibility pages are in ``eligibility_views``, the CV library in ``cv_views``.
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from blueprints.choices import select_choices
from blueprints.forms import FAILED, status_of
from blueprints.guichet import participant_display as display
from blueprints.guichet import privacy_display
from blueprints.guichet.participant_forms import (
    BilanForm,
    ParticipantFilterForm,
    ParticipantForm,
    PrescriptionForm,
    RevokeForm,
)
from blueprints.guichet.posted import saved_then
from blueprints.guichet.views import bp
from blueprints.listing import Listing
from blueprints.ui import int_arg
from blueprints.views_common import ListPage, submitted
from saas import clock, formats
from saas import settings as rule_settings
from saas.accounts import api as accounts
from saas.db import db
from saas.parcours import api as parcours
from saas.partenaires import api as partenaires
from saas.participants import api as participants
from saas.participants.enums import AccompanimentKind
from saas.participants.models import Participant
from saas.referentiels import api as referentiels
from tenants.web import load_scoped, request_actor

#: the list of participants; its export reads the rows of :func:`_list_rows`.
PARTICIPANTS = ListPage(
    "guichet/participants/list.html",
    "participants",
    ("Référence", "reference"),
    ("Nom", "last_name"),
    ("Prénom", "first_name"),
    ("Commune", "commune"),
    ("Éligibilité", "eligibilite"),
    ("Dernière prescription", "prescription"),
    ("CV validé", lambda row: row["cv"] == "Validé"),
)


# --- list ------------------------------------------------------------------------------------------------


def _list_rows(items, today) -> list[dict]:
    warning_days = int(rule_settings.get("prescription_warning_days"))
    rows = []
    for row in items:
        state = (
            participants.prescription_state_on(row.prescription_until, today, warning_days)
            if row.prescription_until
            else None
        )
        rows.append(
            {
                "id": row.id,
                "reference": row.reference,
                "last_name": row.last_name,
                "first_name": row.first_name,
                "commune": row.commune_name or row.commune_insee,
                "eligibilite": display.list_eligibility(row),
                "prescription": display.list_prescription(state, row.prescription_until),
                "cv": "Validé" if row.cv_validated else "Non",
            }
        )
    return rows


@bp.route("/participants/", endpoint="participants")
def participants_list():
    form = ParticipantFilterForm(request.args)
    eligible = {"oui": True, "non": False}.get(form.eligible.data or "")
    today = clock.today()
    query = participants.overview_query((form.q.data or "").strip() or None, eligible, today)
    columns = query.selected_columns
    listing = Listing(
        query,
        {
            "reference": columns.reference,
            "nom": columns.last_name,
            "commune": columns.commune_name,
            "eligibilite": columns.eligible_until,
            "prescription": columns.prescription_until,
        },
        "-reference",
    )

    def page_rows(items) -> list[dict]:
        rows = _list_rows(items, today)
        for row in rows:
            row["reference"] = {
                "text": row["reference"],
                "url": url_for("guichet.participant", participant_id=row["id"]),
            }
            row["nom"] = f"{row['last_name'].upper()} {row['first_name']}"
        return rows

    return PARTICIPANTS.render(
        listing,
        page_context=lambda items: {"rows": page_rows(items)},
        prepare=lambda row: _list_rows([row], today)[0],
        form=form,
    )


# --- create and edit -------------------------------------------------------------------------------------


def _participant_form(participant: Participant | None = None, identity=None) -> ParticipantForm:
    if participant is not None and request.method == "GET":
        form = ParticipantForm(obj=identity)
        form.qualification_level.data = participant.qualification_level or ""
        form.freins.data = list(participant.freins or [])
        form.projet_professionnel.data = participant.projet_professionnel
        form.referent_organisation_id.data = str(participant.referent_organisation_id or "")
        form.sex.data = identity.sex or ""
    else:
        form = ParticipantForm()
    current = participant.referent_organisation_id if participant is not None else None
    form.qualification_level.choices = select_choices(
        [
            ("", "— non renseigné —"),
            *display.item_choices("niveau_qualification"),
        ]
    )
    form.freins.choices = select_choices(display.item_choices("frein"))
    form.referent_organisation_id.choices = select_choices(
        [
            ("", "— aucune —"),
            *display.organisation_choices(current=current),
        ]
    )
    return form


@bp.route("/participants/nouveau", methods=["GET", "POST"], endpoint="participant_new")
def participant_new():
    form = _participant_form()
    participant = submitted(
        form,
        lambda: participants.create(request_actor(), **form.participant_values()),
        lambda participant: f"Le participant {participant.reference} est enregistré.",
    )
    if participant is not FAILED:
        return redirect(url_for("guichet.participant", participant_id=participant.id))
    return render_template("guichet/participants/form.html", form=form, participant=None), status_of(form)


@bp.route("/participants/<int:participant_id>/modifier", methods=["GET", "POST"], endpoint="participant_edit")
def participant_edit(participant_id: int):
    participant = load_scoped(Participant, participant_id)
    identity = participants.read_file(request_actor(), participant) if request.method == "GET" else None
    form = _participant_form(participant, identity)
    saved = submitted(
        form,
        lambda: participants.update(request_actor(), participant, **form.participant_values()),
        "Le dossier du participant est modifié.",
    )
    if saved is not FAILED:
        return redirect(url_for("guichet.participant", participant_id=participant.id))
    db.session.commit()  # the audited read of the identity
    return (
        render_template("guichet/participants/form.html", form=form, participant=participant),
        status_of(form),
    )


# --- the file --------------------------------------------------------------------------------------------


def _prescription_form() -> PrescriptionForm:
    form = PrescriptionForm()
    if request.method == "GET":
        form.prescribed_on.data = clock.today()
    form.prescripteur_id.choices = select_choices(
        [("", "— choisir —"), *display.organisation_choices("prescripteur")]
    )
    return form


def _user_name(user_id: int | None, cache: dict) -> str | None:
    if user_id is None:
        return None
    if user_id not in cache:
        user = accounts.get_user(user_id)
        cache[user_id] = user.display_name if user else None
    return cache[user_id]


def _eligibilities(participant: Participant, today, revoke_form: RevokeForm | None) -> list[dict]:
    criteria = {c.code: c for c in referentiels.criteria()}
    proofs = display.item_labels("justificatif")
    users: dict = {}
    result = []
    eligibilities = participants.eligibilities_of(participant.id)
    chosen_of = participants.criteria_by_eligibility([eligibility.id for eligibility in eligibilities])
    for eligibility in eligibilities:
        chosen = chosen_of[eligibility.id]
        state, kind = display.eligibility_state(eligibility, today)
        form = (
            revoke_form if revoke_form is not None and revoke_form.eligibility_id == eligibility.id else None
        )
        result.append(
            {
                "item": eligibility,
                "state": state,
                "badge": kind,
                "window": display.window(eligibility),
                "validated_by": _user_name(eligibility.validated_by, users),
                "criteria": [
                    {
                        "label": criteria[c.criterion_code].label
                        if c.criterion_code in criteria
                        else c.criterion_code,
                        "level": criteria[c.criterion_code].level if c.criterion_code in criteria else None,
                        "proof": proofs.get(c.proof_type, c.proof_type),
                    }
                    for c in chosen
                ],
                "iae": display.iae_rule([c.criterion_code for c in chosen], criteria),
                "revoke_form": form or RevokeForm(formdata=None, prefix=f"retrait-{eligibility.id}"),
            }
        )
    return result


def _missions(participant: Participant, organisations: dict[int, str]) -> list[dict]:
    rows = []
    for mission in parcours.of_participant(participant.id):
        contract = referentiels.contract_type(mission.contract_type)
        rows.append(
            {
                "label": mission.job_title or "Mission",
                "url": display.mission_url(mission.id),
                "employer": organisations.get(mission.employer_id),
                "contract": contract.label if contract else mission.contract_type,
                "start": mission.start_date,
                "end": mission.exit_date or mission.end_date,
                "exited": mission.exit_date is not None,
            }
        )
    return rows


def render_file(
    participant: Participant,
    prescription_form: PrescriptionForm | None = None,
    bilan_form: BilanForm | None = None,
    revoke_form: RevokeForm | None = None,
    privacy_form: privacy_display.RequestForm | None = None,
    answer_forms: dict | None = None,
):
    """The participant's file; reading it is audited (and committed with nothing else)."""
    identity = participants.read_file(request_actor(), participant)
    db.session.commit()
    today = clock.today()
    organisations = {o.id: o.name for o in partenaires.list_all()}
    commune = referentiels.commune(identity.commune_insee) if identity.commune_insee else None
    qpv = referentiels.qpv(identity.qpv_code) if identity.qpv_code else None
    freins = display.item_labels("frein")
    prescription_form = prescription_form or _prescription_form()
    bilan_form = bilan_form or BilanForm(formdata=None, bilan=participant.bilan_entree)
    html = render_template(
        "guichet/participants/file.html",
        participant=participant,
        identity=identity,
        commune=commune,
        qpv=qpv,
        qualification=referentiels.item_label("niveau_qualification", participant.qualification_level)
        if participant.qualification_level
        else None,
        freins=[freins.get(code, code) for code in participant.freins or []],
        referent=organisations.get(participant.referent_organisation_id),
        prescriptions=[
            {
                "item": p,
                "state": participants.prescription_state(p, today),
                "prescripteur": organisations.get(p.prescripteur_id),
            }
            for p in participants.prescriptions_of(participant.id)
        ],
        state_badges=display.STATE_BADGES,
        eligibilities=_eligibilities(participant, today, revoke_form),
        eligible_today=participants.is_eligible_on(participant.id, today),
        profile=participants.profile_of(participant.id),
        missions=_missions(participant, organisations),
        accompaniment=[
            {"item": e, "kind": AccompanimentKind(e.kind).label, "by": organisations.get(e.organisation_id)}
            for e in participants.accompaniment_of(participant.id)
        ],
        prescription_form=prescription_form,
        bilan_form=bilan_form,
        privacy=privacy_display.section(participant, privacy_form, answer_forms),
    )
    forms = (prescription_form, bilan_form, revoke_form, privacy_form, *(answer_forms or {}).values())
    return html, max(status_of(form) for form in forms if form is not None)


@bp.route("/participants/<int:participant_id>", endpoint="participant")
def participant_file(participant_id: int):
    return render_file(load_scoped(Participant, participant_id))


@bp.route(
    "/participants/<int:participant_id>/prescriptions", methods=["POST"], endpoint="participant_prescription"
)
def participant_prescription(participant_id: int):
    participant = load_scoped(Participant, participant_id)
    form = _prescription_form()
    return saved_then(
        form,
        lambda: (
            participants.add_prescription(
                request_actor(),
                participant,
                int_arg(form.prescripteur_id.data),
                form.prescribed_on.data,
                form.content.data,
            ).valid_until
        ),  # read before the commit
        lambda valid_until: (
            f"La prescription est enregistrée ; elle est valable jusqu'au {formats.date(valid_until)}."
        ),
        url_for("guichet.participant", participant_id=participant.id, _anchor="prescriptions"),
        lambda: render_file(participant, prescription_form=form),
    )


@bp.route("/participants/<int:participant_id>/bilan", methods=["POST"], endpoint="participant_bilan")
def participant_bilan(participant_id: int):
    participant = load_scoped(Participant, participant_id)
    form = BilanForm()
    return saved_then(
        form,
        lambda: participants.record_bilan(request_actor(), participant, form.bilan.data, form.on.data),
        "Le bilan d'entrée est enregistré.",
        url_for("guichet.participant", participant_id=participant.id, _anchor="bilan"),
        lambda: render_file(participant, bilan_form=form),
    )
