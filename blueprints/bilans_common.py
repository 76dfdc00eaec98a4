"""A saved bilan shown and downloaded: the same page body, workbook, PDF and CSV for the guichet's
workspace and the donneur d'ordre's space (each view loads the bilan under its own rule)."""

from __future__ import annotations

from flask import Response, abort, g, render_template

from blueprints.files import attachment
from saas import printing
from saas.accounts import api as accounts
from saas.bilans import presentation
from saas.bilans.models import Bilan


def author(bilan: Bilan) -> str:
    user = accounts.get_user(bilan.created_by) if bilan.created_by else None
    return user.display_name or user.email if user else ""


def shown(item: Bilan) -> dict:
    """What the page and the print of a bilan show."""
    return {
        "bilan": item,
        "title": presentation.title(item),
        "cover": presentation.cover(item, author(item)),
        "totals": presentation.totals(item),
        "tables": presentation.tables(item),
        "shown": presentation.shown,
        "colour": g.tenant.theme_colour,
    }


def download(filename: str, mimetype: str, content: bytes) -> Response:
    return attachment(content, mimetype, filename)


def workbook(item: Bilan) -> Response:
    return download(*presentation.workbook(item, author(item)))


def pdf(item: Bilan) -> Response:
    """The bilan laid out for print, with the tenant's name, logo and colour."""
    tenant = g.tenant
    html = render_template(
        "guichet/bilans/print.html",
        **shown(item),
        tenant_name=tenant.display_name,
        logo=printing.data_uri(tenant.logo, tenant.logo_mimetype),
    )
    return download(f"{presentation.basename(item)}.pdf", printing.PDF_MIMETYPE, printing.pdf(html))


def table_csv(item: Bilan, code: str | None) -> Response:
    """One table of the bilan alone, as CSV (the first one when none is named); 404 if it has no
    such table."""
    found = presentation.table_csv(item, code)
    if found is None:
        abort(404)
    return download(*found)
