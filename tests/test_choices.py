"""saas.choices: closed lists whose members carry their French label."""

from __future__ import annotations

import copy
import json
from enum import auto

from saas.choices import Choices


class Colour(Choices):
    red = "red", "Rouge"
    dark_blue = "dark_blue", "Bleu foncé"
    plain = "plain"


def test_a_member_is_its_value_and_carries_its_label():
    assert Colour.red == "red" and str(Colour.red) == "red" and isinstance(Colour.red, str)
    assert Colour("dark_blue") is Colour.dark_blue
    assert Colour.dark_blue.value == "dark_blue" and Colour.dark_blue.label == "Bleu foncé"
    assert json.dumps({"c": Colour.red}) == '{"c": "red"}'
    assert f"{Colour.red}" == "red"


def test_a_member_without_label_is_labelled_by_its_value():
    assert Colour.plain.label == "plain"


def test_choices_for_a_form():
    assert Colour.choices() == [("red", "Rouge"), ("dark_blue", "Bleu foncé"), ("plain", "plain")]
    assert Colour.choices(blank="—")[0] == ("", "—")


def test_labels_has_the_shape_of_the_old_dicts():
    labels = Colour.labels()
    assert labels[Colour.red] == "Rouge" and labels["red"] == "Rouge"
    assert list(labels) == list(Colour)


def test_label_of_a_stored_value():
    assert Colour.label_of("red") == "Rouge"
    assert Colour.label_of("gone") == "gone"
    assert Colour.label_of(None) == ""
    assert Colour.label_of("gone", default="?") == "?"


def test_described_lists_values_and_labels_for_an_api():
    assert Colour.described() == "red (Rouge), dark_blue (Bleu foncé), plain (plain)"


def test_a_member_survives_copying():
    assert copy.deepcopy(Colour.dark_blue) is Colour.dark_blue


class Size(Choices):
    S = auto(), "Petit"
    extra_large = auto(), "Très grand"
    import_ = "import", "Importé"
    bare = auto()


def test_auto_makes_the_value_the_name_as_written():
    assert Size.S == "S" and Size.S.label == "Petit"
    assert Size("extra_large") is Size.extra_large and Size.extra_large.label == "Très grand"
    assert Size.import_ == "import" and Size.import_.label == "Importé"
    assert Size.bare == "bare" and Size.bare.label == "bare"
