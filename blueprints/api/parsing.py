"""How the API reads a JSON body: what the JSON grammar allows but no field may hold is refused.

``json.loads`` accepts a lone surrogate (``"\\ud800"``, which no database or UTF-8 encoder can
store) and nests as deep as the interpreter's stack allows. Both are refused here, before any
schema runs, with the JSON error of every other bad field (``422 {"errors": {"json": {"champ":
["message"]}}}``, the field named by its dotted path), and a body that is not JSON answers 400
in French. Every blueprint of the API parses with :data:`parser` (``ApiBlueprint``).
"""

from __future__ import annotations

from collections.abc import Iterator

from flask_smorest import Blueprint
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request

#: deeper than any body of the API (a convention's terms nest five levels).
MAX_JSON_DEPTH = 32
SURROGATE_MESSAGE = "Caractère non valide (moitié de paire de substitution UTF-16 isolée)."
NUL_MESSAGE = "Caractère nul (\\u0000) non autorisé."
DEPTH_MESSAGE = f"Données trop imbriquées ({MAX_JSON_DEPTH} niveaux au plus)."
BODY = "_schema"


def _text_fault(text: str) -> str | None:
    """Why no text column can hold ``text`` (PostgreSQL refuses NUL, UTF-8 lone surrogates)."""
    if "\x00" in text:
        return NUL_MESSAGE
    if any("\ud800" <= char <= "\udfff" for char in text):
        return SURROGATE_MESSAGE
    return None


def _children(value, path: str) -> Iterator[tuple[str, object, str]]:
    """(dotted path, child, key) of a JSON object or array; keys are checked as strings too."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield (f"{path}.{key}" if path else str(key)), child, key
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield (f"{path}.{index}" if path else str(index)), child, ""


def first_fault(data) -> tuple[str, str] | None:
    """The (field path, message) of the first string with a NUL or a lone surrogate or the first value
    nested deeper than :data:`MAX_JSON_DEPTH`, walking without recursion."""
    stack = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str) and _text_fault(value):
            return path or BODY, _text_fault(value)
        if isinstance(value, dict | list):
            if depth >= MAX_JSON_DEPTH:
                return path or BODY, DEPTH_MESSAGE
            for child_path, child, key in _children(value, path):
                if _text_fault(key):
                    return child_path, _text_fault(key)
                stack.append((child, child_path, depth + 1))
    return None


class ApiParser(FlaskParser):
    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        try:
            data = core.parse_json(req.get_data(cache=True))
        except RecursionError:
            abort(422, messages={"json": {BODY: [DEPTH_MESSAGE]}})
        fault = first_fault(data)
        if fault is not None:
            field, message = fault
            abort(422, messages={"json": {field: [message]}})
        return data

    def load_querystring(self, req, schema):
        for name, value in req.args.items(multi=True):
            message = _text_fault(value) or _text_fault(name)
            if message:
                abort(422, messages={"query": {name: [message]}})
        return super().load_querystring(req, schema)

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        abort(400, exc=error, messages={"json": {BODY: ["Le corps de la requête n'est pas du JSON valide."]}})


parser = ApiParser()


class ApiBlueprint(Blueprint):
    """A flask-smorest blueprint that reads bodies with :data:`parser`."""

    ARGUMENTS_PARSER = parser
