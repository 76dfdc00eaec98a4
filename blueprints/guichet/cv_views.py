"""Facilitateur workspace: a participant's CV profile, its validation, and the CV library.

Seed 000 art. 2 and seed 002 art. 3: a profile enters the CV library (and may be sent to a
company) only once the facilitateur validated it; saving it again takes it out until validated
again. Downloading the CV file is a read of the participant's file and is audited.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, flash, redirect, render_template, request, url_for

from blueprints.choices import select_choices
from blueprints.forms import FAILED, attempt, status_of
from blueprints.guichet import participant_display as display
from blueprints.guichet.participant_forms import CvForm, CvLibraryFilterForm, RomeSearchForm, codes_of
from blueprints.guichet.views import bp
from blueprints.listing import Listing
from blueprints.views_common import ListPage, submitted
from saas import formats
from saas.db import db
from saas.participants import api as participants
from saas.participants.models import Participant
from saas.referentiels import api as referentiels
from tenants.web import load_scoped, request_actor

MIMETYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
#: the CV library; its export reads the rows of :func:`_library_rows`.
CV_LIBRARY = ListPage(
    "guichet/participants/cvtheque.html",
    "cvtheque",
    ("Référence", "reference"),
    ("Nom", "name"),
    ("Métiers", "trades"),
    ("Commune", "commune"),
    ("Disponible à partir du", "disponibilite"),
    ("Disponibilités", "availability"),
    ("Mobilité", "mobility"),
)


# --- the profile of one participant ---------------------------------------------------------------------


def _cv_form(profile) -> CvForm:
    if profile is not None and request.method == "GET":
        form = CvForm(obj=profile)
        form.rome_codes.data = ", ".join(profile.rome_codes or [])
    else:
        form = CvForm()
    form.mobility.choices = select_choices(display.item_choices("mobilite"))
    return form


def _upload(form: CvForm) -> tuple[str, str, bytes] | None:
    """(filename, mimetype, content) of the uploaded CV; the type follows the checked extension."""
    upload = form.cv.data
    if not upload or not upload.filename:
        return None
    extension = upload.filename.rsplit(".", 1)[-1].lower()
    return upload.filename, MIMETYPES.get(extension, upload.mimetype or ""), upload.read()


@bp.route("/participants/<int:participant_id>/cv", methods=["GET", "POST"], endpoint="participant_cv")
def participant_cv(participant_id: int):
    participant = load_scoped(Participant, participant_id)
    profile = participants.profile_of(participant.id)
    form = _cv_form(profile)
    saved = submitted(
        form,
        lambda: participants.save_profile(
            request_actor(),
            participant,
            rome_codes=codes_of(form.rome_codes.data),
            mobility=list(form.mobility.data or []),
            cv=_upload(form),
            **form.values("skills", "available_from", "availability", "mobility_radius_km"),
        ),
        "Le profil est enregistré. Il n'apparaît pas dans la CVthèque tant qu'il n'est pas validé.",
    )
    if saved is not FAILED:
        return redirect(url_for("guichet.participant_cv", participant_id=participant.id))
    search = RomeSearchForm(request.args)
    found = (
        referentiels.search_rome(search.metier.data.strip()) if (search.metier.data or "").strip() else None
    )
    return render_template(
        "guichet/participants/cv.html",
        participant=participant,
        profile=profile,
        form=form,
        trades=display.rome_labels(profile.rome_codes if profile else []),
        search=search,
        found=found,
    ), status_of(form)


@bp.route(
    "/participants/<int:participant_id>/cv/valider", methods=["POST"], endpoint="participant_cv_validate"
)
def participant_cv_validate(participant_id: int):
    participant = load_scoped(Participant, participant_id)
    if attempt(lambda: participants.validate_profile(request_actor(), participant)) is not FAILED:
        flash("Le profil est validé : il figure dans la CVthèque.", "success")
    return redirect(url_for("guichet.participant_cv", participant_id=participant.id))


@bp.route("/participants/<int:participant_id>/cv/fichier", endpoint="participant_cv_file")
def participant_cv_file(participant_id: int):
    participant = load_scoped(Participant, participant_id)
    profile = participants.read_cv(request_actor(), participant)
    if profile is None:
        abort(404)
    db.session.commit()  # the audited read
    filename = profile.cv_filename or "cv"
    ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename)
    return Response(
        profile.cv_content,
        mimetype=profile.cv_mimetype or "application/octet-stream",
        headers={
            "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


# --- the CV library -------------------------------------------------------------------------------------


def _library_rows(items, mobility: dict, romes: dict) -> list[dict]:
    rows = []
    for row in items:
        trades = display.rome_labels(row.rome_codes, romes)
        availability = " — ".join(
            part
            for part in (
                f"à partir du {formats.date(row.available_from)}" if row.available_from else "",
                row.availability,
            )
            if part
        )
        moving = [mobility.get(code, code) for code in row.mobility or []]
        if row.mobility_radius_km is not None:
            moving.append(f"rayon de {row.mobility_radius_km} km")
        rows.append(
            {
                "participant_id": row.participant_id,
                "reference": row.reference,
                "name": display.short_name(row.first_name, row.last_name),
                "trades": ", ".join(f"{code} {label}" for code, label in trades),
                "commune": row.commune_name or row.commune_insee,
                "disponibilite": row.available_from,
                "availability": availability or "Non précisée",
                "mobility": ", ".join(moving),
            }
        )
    return rows


@bp.route("/cvtheque/", endpoint="cvtheque")
def cvtheque():
    form = CvLibraryFilterForm(request.args)
    form.validate()
    rome = (form.rome.data or "").strip().upper() or None
    commune = (form.commune.data or "").strip().upper() or None
    available_by = form.available_by.data if not form.available_by.errors else None
    query = participants.cv_library_query(rome, commune, available_by)
    columns = query.selected_columns
    listing = Listing(
        query,
        {
            "reference": columns.reference,
            "commune": columns.commune_name,
            "disponibilite": columns.available_from,
            "validation": columns.validated_at,
        },
        "-validation",
    )
    mobility, romes = display.item_labels("mobilite"), {}

    def page_rows(items) -> list[dict]:
        rows = _library_rows(items, mobility, romes)
        for row in rows:
            row["reference"] = {
                "text": row["reference"],
                "url": url_for("guichet.participant_cv", participant_id=row["participant_id"]),
            }
            row["disponibilite"] = formats.date(row["disponibilite"]) if row["disponibilite"] else None
        return rows

    known = referentiels.rome(rome) if rome else None
    return CV_LIBRARY.render(
        listing,
        page_context=lambda items: {"rows": page_rows(items)},
        prepare=lambda row: _library_rows([row], mobility, romes)[0],
        form=form,
        rome=rome,
        rome_label=known.label if known else None,
    )
