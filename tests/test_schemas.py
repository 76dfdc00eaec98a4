"""The marshmallow building blocks of ``saas/schemas.py``: answered columns typed by their model
(``Columns``) and closed vocabularies (``vocabulary``)."""

from __future__ import annotations

import marshmallow
import pytest

from saas import schemas as s
from saas.choices import Choices
from saas.parcours.models import Mission


class Colour(Choices):
    red = "red", "Rouge"
    blue = "blue", "Bleu"


class MissionExit(s.Schema):
    id = s.Integer(dump_only=True)
    exit = s.Columns(Mission, "exit_date", "exit_motif", "eligibility_override", "override_by", "created_at")
    note = s.String()


def test_columns_are_answered_fields_typed_by_the_model_in_their_place():
    fields = MissionExit().fields
    assert list(fields) == [
        "id",
        "exit_date",
        "exit_motif",
        "eligibility_override",
        "override_by",
        "created_at",
        "note",
    ]
    expected = {
        "exit_date": s.Date,
        "exit_motif": s.String,
        "eligibility_override": s.Boolean,
        "override_by": s.Integer,
        "created_at": s.DateTime,
    }
    for name, kind in expected.items():
        assert type(fields[name]) is kind, name
        assert fields[name].dump_only and fields[name].allow_none, name
    assert "exit" not in fields and not hasattr(MissionExit, "exit")


def test_a_column_without_a_field_type_is_refused_and_an_unknown_name_too():
    with pytest.raises(TypeError, match="weekly_hours"):
        s.Columns(Mission, "weekly_hours").declared()  # a decimal: its places are the schema's
    with pytest.raises(KeyError):
        s.Columns(Mission, "no_such_column").declared()


def test_a_vocabulary_is_described_and_checked_when_sent_only_described_when_answered():
    sent = s.vocabulary(Colour, "Couleur", required=True)
    assert sent.metadata["description"] == "Couleur : red (Rouge), blue (Bleu)"
    assert sent.required
    answered = s.vocabulary(Colour, dump_only=True)
    assert answered.metadata["description"] == "red (Rouge), blue (Bleu)"
    assert not any(isinstance(v, marshmallow.validate.OneOf) for v in answered.validators)

    class Paint(s.Schema):
        colour = sent

    with pytest.raises(marshmallow.ValidationError) as refused:
        Paint().load({"colour": "green"})
    assert refused.value.messages == {"colour": ["Valeur inconnue ; valeurs possibles : red, blue."]}
    assert Paint().load({"colour": "blue"}) == {"colour": "blue"}
