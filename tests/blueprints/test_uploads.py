"""Uploads are checked by their content, never by their name or the type declared by the browser."""

from __future__ import annotations

import io

import pytest

from saas import uploads
from saas.conventions import api as conventions
from saas.conventions.models import Convention
from saas.db import db
from saas.errors import ValidationError
from saas.heures import api as heures
from saas.heures.models import Releve
from saas.participants import api as participants
from saas.participants.models import CvProfile, Participant
from tenants import context
from tenants import validation as tenant_validation
from tests.blueprints.test_bad_input import _data, _forms
from tests.fixtures import ACTOR, PNG, login

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
PDF = b"%PDF-1.4\n%%EOF\n"


def _one(model, object_id):
    return db.session.scalars(db.select(model).where(model.id == object_id)).one()


def test_the_type_is_read_from_the_content():
    assert uploads.content_type(PNG) == "image/png"
    assert uploads.content_type(PDF) == "application/pdf"
    assert uploads.content_type(HTML) is None
    assert uploads.content_type(b"") is None


def test_a_logo_that_is_an_html_page_declared_image_png_is_refused():
    with pytest.raises(ValidationError) as refused:
        tenant_validation.logo(HTML, "image/png")
    assert refused.value.field == "logo"
    assert tenant_validation.logo(PNG, "application/pdf") == (PNG, "image/png")


def _post_form(client, url: str, files: dict):
    html = client.get(url).get_data(as_text=True)
    form = next(f for f in _forms(html) if f["method"] == "post" and "multipart" in f["enctype"])
    data = {**_data(form), **files}
    return client.post(form["action"] or url, data=data, content_type="multipart/form-data")


def test_a_png_renamed_cv_pdf_is_refused_on_the_cv_page(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.facilitateur_email)
    url = f"/t/{a.slug}/participants/{a.ids['participant_id']}/cv"
    response = _post_form(client, url, {"cv": (io.BytesIO(PNG), "cv.pdf", "application/pdf")})
    assert response.status_code in (200, 400)
    assert "Le CV doit être un PDF ou un document Word (.docx)." in response.get_data(as_text=True)
    with app.app_context(), context.scoped(a.tenant_id):
        profile = db.session.scalars(
            db.select(CvProfile).where(CvProfile.participant_id == a.ids["participant_id"])
        ).one()
        assert profile.cv_content != PNG and profile.cv_mimetype == "application/pdf"


@pytest.fixture
def tenant_a(app, two_tenants):
    """Tenant a, the test running in its scope; what it leaves is rolled back."""
    a, _ = two_tenants
    with app.app_context(), context.scoped(a.tenant_id):
        yield a
        db.session.rollback()


def test_an_html_proof_declared_image_png_is_refused(tenant_a):
    statement = _one(Releve, tenant_a.ids["statement_id"])
    with pytest.raises(ValidationError) as refused:
        heures.attach_proof(ACTOR, statement, "releve.png", "image/png", HTML)
    assert refused.value.field == "proof"


def test_a_convention_document_keeps_its_real_type_whatever_its_name(tenant_a):
    convention = _one(Convention, tenant_a.ids["convention_id"])
    document = conventions.add_document(
        ACTOR, convention, "signed", "Scan", "scan.pdf", "application/pdf", PNG
    )
    assert document.mimetype == "image/png"
    with pytest.raises(ValidationError) as refused:
        conventions.add_document(ACTOR, convention, "signed", "Page", "page.pdf", "application/pdf", HTML)
    assert refused.value.field == "file"


def test_a_cv_through_the_api_domain_call_is_sniffed(tenant_a):
    participant = _one(Participant, tenant_a.ids["participant_id"])
    with pytest.raises(ValidationError) as refused:
        participants.save_profile(ACTOR, participant, ["F1703"], cv=("cv.pdf", "application/pdf", HTML))
    assert refused.value.field == "cv"


def test_one_policy_per_upload_checks_emptiness_size_and_content():
    with pytest.raises(ValidationError) as empty:
        uploads.PROOF.check(b"")
    assert (empty.value.field, empty.value.message) == ("proof", "Le justificatif est vide ou dépasse 10 Mo.")
    with pytest.raises(ValidationError) as too_big:
        uploads.LOGO.check(PNG + b"\0" * uploads.LOGO.max_bytes)
    assert too_big.value.message == "Le logo ne doit pas dépasser 200 Ko."
    with pytest.raises(ValidationError) as not_a_cv:
        uploads.CV.check(PNG)
    assert not_a_cv.value.field == "cv"
    assert uploads.CONVENTION_DOCUMENT.check(PNG) == "image/png"


def test_the_file_input_offers_the_policys_types():
    assert uploads.PROOF.accept == ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
    assert uploads.CV.accept == (
        ".pdf,.docx,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
