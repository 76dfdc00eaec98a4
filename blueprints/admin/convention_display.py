"""How the admin pages of the conventions say things: amounts in euros, durations, cadences and
statuses in words, and a list of Python rows sorted, paged and exported like a
:class:`blueprints.listing.Listing`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal

from flask import Response

from blueprints.listing import PER_PAGE, Listing, Page, page_asked, send_table
from saas import formats, paging
from saas.conventions import enums

CONVENTION_BADGES = {
    "draft": "neutre",
    "upcoming": "info",
    "active": "succes",
    "ending": "alerte",
    "ended": "neutre",
    "terminated": "erreur",
}
INSTALMENT_BADGES = {
    "not_due": "neutre",
    "waiting": "info",
    "payable": "alerte",
    "late": "erreur",
    "paid": "succes",
}

NUMBERS = {1: "une", 2: "deux", 3: "trois", 4: "quatre", 5: "cinq", 6: "six", 7: "sept", 8: "huit", 9: "neuf"}
ROLE_ARTICLES = {
    "porteur": "le porteur",
    "partenaire": "le partenaire",
    "cofinanceur": "le cofinanceur",
    "etat": "l'État",
    "departement": "le Département",
}


def euros(value) -> str:
    """``4 800,00 €`` (French grouping, two decimals)."""
    if value is None:
        return ""
    return f"{formats.number(value, 2)}\u00a0€"


def percent(value) -> str:
    if value is None:
        return ""
    number = Decimal(value)
    return f"{formats.number(number, 0 if number == number.to_integral_value() else 2)}\u00a0%"


def fte(value) -> str:
    if value is None:
        return ""
    return f"{formats.number(Decimal(value), 2)} ETP"


def _times(count: int) -> str:
    return f"{NUMBERS.get(count, str(count))} fois"


def _months(count: int) -> str:
    if count == 1:
        return "un mois"
    return f"{count} mois"


def _days(count: int) -> str:
    return "un jour" if count == 1 else f"{count} jours"


def delay_words(days: int | None, months: int | None) -> str:
    """``un mois et 15 jours``; empty when there is no delay."""
    parts = []
    if months:
        parts.append(_months(months))
    if days:
        parts.append(_days(days))
    return " et ".join(parts)


def _period_words(period_months: int) -> str:
    return {12: "Annuelle", 6: "Semestrielle", 3: "Trimestrielle", 24: "Biennale"}.get(
        period_months, f"Par périodes de {period_months} mois"
    )


def duration_words(terms, parties: dict[int, tuple[str, str]]) -> str:
    """The duration rules of ``terms`` in a sentence, e.g. « Annuelle, reconduite tacitement deux
    fois au plus ; préavis d'un mois avant l'échéance ; seul le Département (…) peut dénoncer ».

    ``parties``: organisation id -> (name, role) of the convention's parties.
    """
    if terms.duration_kind == "fixed":
        return f"À durée déterminée, jusqu'au {formats.date(terms.end_on)} ; pas de reconduction"
    sentence = _period_words(terms.period_months)
    if terms.max_renewals is None:
        sentence += ", reconduite tacitement sans limite"
    elif terms.max_renewals == 0:
        sentence += ", sans reconduction"
    else:
        sentence += f", reconduite tacitement {_times(terms.max_renewals)} au plus"
    parts = [sentence]
    if terms.max_renewals != 0:
        if terms.notice_months:
            notice = "d'un mois" if terms.notice_months == 1 else f"de {terms.notice_months} mois"
            parts.append(f"préavis {notice} avant l'échéance")
        else:
            parts.append("dénonciation possible jusqu'au jour de l'échéance")
        if terms.objecting_party_id is not None:
            name, role = parties.get(terms.objecting_party_id, ("une partie retirée", ""))
            article = ROLE_ARTICLES.get(role)
            who = f"{article} ({name})" if article else name
            parts.append(f"seul {who} peut dénoncer")
        else:
            parts.append("chaque partie peut dénoncer")
    if terms.amendments_at_renewal_only:
        parts.append("avenants au seul renouvellement")
    return " ; ".join(parts)


def cadence_words(obligation) -> str:
    """When an obligation falls due, in words: « Chaque mois, le 10 du mois suivant »."""
    cadence = obligation.cadence
    delay = delay_words(obligation.offset_days, obligation.offset_months)
    if cadence == "monthly":
        months = obligation.offset_months or 0
        when = f"Chaque mois, le {obligation.day_of_month}"
        if months == 0:
            when += " du mois"
        elif months == 1:
            when += " du mois suivant"
        else:
            when += f", {months} mois après le mois concerné"
        if obligation.offset_days:
            when += f", plus {_days(obligation.offset_days)}"
        return when
    if cadence == "weekly":
        day = formats.WEEKDAY_NAMES[obligation.weekday if obligation.weekday is not None else 4]
        return f"Chaque semaine, le {day}" + (f", {delay} après" if delay else "")
    if cadence == "after_event":
        month = formats.MONTH_NAMES[(obligation.event_default_month or 6) - 1]
        event = f"l'événement « {obligation.event_label} »" if obligation.event_label else "l'événement"
        head = f"{delay[0].upper()}{delay[1:]} après" if delay else "À la date de"
        return f"{head} {event} (attendu en {month})"
    if cadence == "mission_end":
        return "À chaque fin de mission du partenaire" + (f", dans les {delay}" if delay else "")
    label = enums.Cadence.label_of(cadence)
    return label + (f", {delay} après" if delay else "")


def trigger_words(line) -> str:
    label = enums.Trigger.label_of(line.trigger)
    if line.offset_days:
        label += f", plus {_days(line.offset_days)}"
    return label


def deliverables_words(categories: Sequence[str] | None) -> str:
    return ", ".join(enums.DeliverableCategory.label_of(c) for c in categories or [])


def period_words(period) -> str:
    return f"période {period.number} du {formats.date(period.start)} au {formats.date(period.end)}"


def day_arg(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


# --- a list of Python rows, as a Listing -----------------------------------------------------------


def _sortable(value):
    """None last, whatever the type of the others."""
    return (value is None, value if value is not None else 0)


class RowListing(Listing):
    """:class:`Listing` over a list already computed (statuses that only Python knows): the same
    ``?tri=``, ``?page=``, ``?export=`` and the same column headers in the templates.

    ``sorts`` maps a sort key of the URL to a function of a row.
    """

    def __init__(self, rows: list, sorts: dict[str, Callable], default_sort: str, per_page: int = PER_PAGE):
        self.rows = rows
        value = self._read_sort(sorts, default_sort, per_page)
        self.ordered = sorted(rows, key=lambda row: _sortable(value(row)), reverse=self.descending)

    def page(self) -> Page:
        return paging.of_list(self.ordered, page_asked(), self.per_page, clamp=True)

    def export(self, basename: str, header: Sequence[str], to_row: Callable) -> Response:
        return send_table(basename, header, (to_row(row) for row in self.ordered), total=len(self.ordered))
