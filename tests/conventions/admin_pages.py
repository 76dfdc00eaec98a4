"""What the tests of the conventions admin pages share beside tests/web.py: posting a prefixed form (a section of a page),
reading an export as rows, running in a tenant's scope, a signed convention."""

from __future__ import annotations

import csv
import io
from datetime import date

from saas.conventions import api as conventions
from tests.builders import in_scope, monthly_deliverable
from tests.fixtures import ACTOR, csrf_token
from tests.web import text_of


def post_prefixed(client, url, prefix, data, page, **kwargs):
    """Post one of the prefixed forms of a page (``avenant-summary``…)."""
    token = csrf_token(client, page)
    values = {f"{prefix}-{key}": value for key, value in data.items()}
    return client.post(url, data={**values, f"{prefix}-csrf_token": token}, **kwargs)


class SectionForm:
    """One prefixed form of a page, posted to ``page + path`` (``/engagements`` as ``engagement-…``)."""

    def __init__(self, client, page: str, path: str, prefix: str):
        self.client, self.page, self.url, self.prefix = client, page, page + path, prefix

    def refused(self, data: dict) -> str:
        """Post ``data``, which must be refused: asserts the 400 answer, returns the page as text."""
        response = post_prefixed(self.client, self.url, self.prefix, data, self.page)
        assert response.status_code == 400, response.status_code
        return text_of(response, collapse=True)

    def accepted(self, data: dict) -> None:
        """Post ``data``, which must be accepted (a redirection)."""
        response = post_prefixed(self.client, self.url, self.prefix, data, self.page)
        assert response.status_code == 302, text_of(response, collapse=True)


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    content = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(content), delimiter=";"))


def signed_convention(app, world, signed_on: date) -> tuple[int, int, int]:
    """A signed tacit convention between the Ville (guichet) and the SIAE with two obligations;
    the ids of the convention and of its obligations."""

    def create():
        convention = conventions.create(
            ACTOR,
            {
                "reference": "MAD-TEST",
                "title": "Convention de mise à disposition",
                "kind": "mise_a_disposition",
                "effective_on": signed_on,
                "signed_on": signed_on,
                "object": "Objet d'origine de la convention",
                "duration_kind": "tacit",
                "period_months": 12,
                "notice_months": 0,
                "parties": [
                    {"organisation_id": world.ids["donneur_ordre_id"], "role": "porteur", "is_guichet": True},
                    {"organisation_id": world.ids["organisation_id"], "role": "partenaire"},
                ],
                "obligations": [
                    monthly_deliverable(world, "releve_heures", 10, "Relevés d'heures le 10 du mois suivant"),
                    {
                        "responsible_id": world.ids["organisation_id"],
                        "nature": "meeting",
                        "category": "comite_suivi",
                        "cadence": "semiannual",
                        "label": "Comité de suivi semestriel",
                    },
                ],
            },
        )
        monthly, meeting = conventions.terms_in_force(convention).obligations
        return convention.id, monthly.id, meeting.id

    return in_scope(app, world, create)
