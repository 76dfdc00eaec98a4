"""Facilitateur workspace: validating a participant's eligibility, and revoking a validation.

Each chosen criterion of the referential keeps the proof type seen (the document itself is not
kept); ``saas.participants.api`` refuses a proof type the criterion does not accept. The IAE rule
is shown for information only: the guichet validates clause eligibility, not a PASS IAE.
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from blueprints.forms import FAILED, status_of
from blueprints.guichet import participant_display as display
from blueprints.guichet.participant_forms import EligibilityForm, RevokeForm
from blueprints.guichet.participant_views import render_file
from blueprints.guichet.posted import saved_then
from blueprints.guichet.views import bp
from blueprints.views_common import submitted
from saas import clock
from saas import settings as rule_settings
from saas.participants import api as participants
from saas.participants.models import Eligibility, Participant
from saas.referentiels import api as referentiels
from tenants.web import load_scoped, request_actor

GROUPS = (
    (1, "Critères IAE de niveau 1", "Un seul suffit pour une SIAE."),
    (2, "Critères IAE de niveau 2", "Deux pour une AI ou une ETTI, trois pour un ACI, une EI ou une EITI."),
    (None, "Critères propres aux clauses sociales", "Reconnus par le guichet pour les clauses d'insertion."),
)


def _proof_field(code: str) -> str:
    return f"justificatif-{code}"


def _groups(chosen: dict[str, str]) -> list[dict]:
    """The referential's criteria grouped by level, each with its accepted proof types."""
    proofs = display.item_labels("justificatif")
    criteria = referentiels.criteria()
    return [
        {
            "title": title,
            "hint": hint,
            "criteria": [
                {
                    "code": c.code,
                    "label": c.label,
                    "checked": c.code in chosen,
                    # a criterion with a single accepted proof type has it chosen already
                    "proof": chosen.get(c.code)
                    or (c.proof_types[0] if len(c.proof_types or []) == 1 else ""),
                    "proof_field": _proof_field(c.code),
                    "proofs": [(code, proofs.get(code, code)) for code in c.proof_types or []],
                }
                for c in criteria
                if c.level == level
            ],
        }
        for level, title, hint in GROUPS
    ]


def _chosen(form: EligibilityForm) -> dict[str, str]:
    """criterion code -> proof type code, as posted (in the order of the page)."""
    if request.method != "POST":
        return {}
    return {code: request.form.get(_proof_field(code), "").strip() for code in form.criteria.data or []}


@bp.route(
    "/participants/<int:participant_id>/eligibilite",
    methods=["GET", "POST"],
    endpoint="participant_eligibility",
)
def participant_eligibility(participant_id: int):
    participant = load_scoped(Participant, participant_id)
    form = EligibilityForm()
    if request.method == "GET":
        form.validated_on.data = clock.today()
    chosen = _chosen(form)
    checking = request.form.get("action") == "verifier"
    saved = FAILED
    if not checking:
        saved = submitted(
            form,
            lambda: participants.validate_eligibility(
                request_actor(), participant, list(chosen.items()), form.validated_on.data, form.notes.data
            ),
            "L'éligibilité est validée.",
        )
    if saved is not FAILED:
        return redirect(url_for("guichet.participant", participant_id=participant.id, _anchor="eligibilite"))
    anchor = rule_settings.get("eligibility_anchor")
    return render_template(
        "guichet/participants/eligibility.html",
        participant=participant,
        form=form,
        groups=_groups(chosen),
        iae=display.iae_rule(list(chosen)),
        checking=checking,
        validity_months=rule_settings.get("eligibility_validity_months"),
        anchor_label=display.ANCHOR_LABELS.get(anchor, anchor),
    ), (200 if checking else status_of(form))


@bp.route("/eligibilites/<int:eligibility_id>/retrait", methods=["POST"], endpoint="eligibility_revoke")
def eligibility_revoke(eligibility_id: int):
    eligibility = load_scoped(Eligibility, eligibility_id)
    participant = load_scoped(Participant, eligibility.participant_id)
    form = RevokeForm(prefix=f"retrait-{eligibility.id}")
    form.eligibility_id = eligibility.id
    return saved_then(
        form,
        lambda: participants.revoke_eligibility(request_actor(), eligibility, form.reason.data),
        "La validation d'éligibilité est retirée.",
        url_for("guichet.participant", participant_id=participant.id, _anchor="eligibilite"),
        lambda: render_file(participant, revoke_form=form),
    )
