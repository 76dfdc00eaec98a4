"""The choice of one row of a table that grows (a participant, a mission): a search field, never a
list of every row. The page sends no option: ``static/js/chooser.js`` makes the field a WAI-ARIA
combobox fed by the small JSON search of the workspace (``guichet.search_*``, :func:`search_answer`);
without JavaScript the typed text is sent and the view resolves it (:func:`resolve`): one match is
chosen, several are offered as radio buttons under the field with a French message, none says so.

The field's value is the chosen row's id (the hidden input, or the radio button, named after the
field); the text typed goes in ``<name>-texte``. An id whose label the text no longer describes
(the text typed again after a choice) gives way to the text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from flask import jsonify, request, url_for
from wtforms import Field
from wtforms.validators import StopValidation

from saas import bounds

#: the most rows a search answers (the JSON search, the choice offered without JavaScript).
LIMIT = 20
#: the longest text searched.
MAX_TEXT = 100

#: ``options(text=..., limit=..., ids=...)`` -> ``[(id, label)]``: the search of a repository.
Options = Callable[..., list[tuple[int, str]]]


class SearchChoiceField(Field):
    """One row among many, found by searching (rendered by the ``field`` macro of
    components/forms.html). ``source`` names the JSON search (``guichet.search_<source>``);
    ``nouns`` is the singular and the plural of what is chosen (« participant », « participants »)."""

    def __init__(self, label=None, validators=None, *, source: str, nouns: tuple[str, str], **kwargs):
        super().__init__(label, validators, **kwargs)
        self.source = source
        self.nouns = nouns
        self.text = ""
        self.matches: list[tuple[int, str]] = []
        self.more = False
        self.resolution_error: str | None = None

    def process(self, formdata, data=None, extra_filters=None):
        super().process(formdata, data, extra_filters)
        if formdata is not None:
            self.text = (formdata.get(f"{self.name}-texte") or "").strip()[:MAX_TEXT]

    def process_formdata(self, valuelist):
        self.data = valuelist[0].strip() if valuelist and valuelist[0].strip() else None

    def _value(self) -> str:
        return self.data or ""

    @property
    def text_name(self) -> str:
        return f"{self.name}-texte"

    @property
    def search_url(self) -> str:
        return url_for(f"guichet.search_{self.source}")

    def pre_validate(self, form) -> None:
        if self.resolution_error:
            raise StopValidation(self.resolution_error)


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).casefold()


def _describes(text: str, label: str) -> bool:
    folded = _fold(label)
    return all(word in folded for word in _fold(text).split())


def _id(value: str | None) -> int | None:
    if value and value.isdigit() and int(value) <= bounds.MAX_ID:
        return int(value)
    return None


def resolve(field: SearchChoiceField, options: Options) -> None:
    """Settle the row ``field`` names: the id sent if it is the tenant's and the text (if any)
    still describes it, else the one row the text finds; several are kept in ``field.matches``
    (and the message of the field says to choose), none gives the message that none matches."""
    chosen = _id(field.data)
    found = options(ids=[chosen]) if chosen is not None else []
    if found and (not field.text or _describes(field.text, found[0][1])):
        _choose(field, *found[0])
        return
    field.data = None
    field.raw_data = []
    if not field.text:
        return
    if "\x00" in field.text:
        field.resolution_error = bounds.NUL_MESSAGE  # PostgreSQL refuses it in text
        return
    found = options(text=field.text, limit=LIMIT + 1)
    if len(found) == 1:
        _choose(field, *found[0])
        return
    one, many = field.nouns
    if not found:
        field.resolution_error = f"Aucun {one} ne correspond à « {field.text} » : vérifiez l'orthographe."
        return
    field.matches, field.more = found[:LIMIT], len(found) > LIMIT
    shown = f"les {LIMIT} premiers" if field.more else f"les {len(field.matches)}"
    field.resolution_error = (
        f"Plusieurs {many} correspondent à « {field.text} » : choisissez parmi {shown} ci-dessous"
        + (", ou précisez la recherche." if field.more else ".")
    )


def _choose(field: SearchChoiceField, row_id: int, label: str) -> None:
    field.data = str(row_id)
    field.raw_data = [field.data]
    field.text = label


def search_answer(options: Options):
    """The JSON search: ``?q=`` (each word found in the row, whatever accents and case; empty: the
    first rows) and ``?limite=`` (1 to :data:`LIMIT`, 10 by default). ``{"resultats": [{"id",
    "libelle"}], "suite": more rows match}``, or 400 with ``{"erreur": a French message}``."""
    text = (request.args.get("q") or "").strip()
    if len(text) > MAX_TEXT:
        return jsonify({"erreur": f"La recherche tient en {MAX_TEXT} caractères au plus."}), 400
    if "\x00" in text:
        return jsonify({"erreur": bounds.NUL_MESSAGE}), 400
    raw_limit = request.args.get("limite", "10")
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= LIMIT:
        return jsonify({"erreur": f"Le nombre de résultats demandé va de 1 à {LIMIT}."}), 400
    limit = int(raw_limit)
    found = options(text=text or None, limit=limit + 1)
    return jsonify(
        {
            "resultats": [{"id": row_id, "libelle": label} for row_id, label in found[:limit]],
            "suite": len(found) > limit,
        }
    )
