"""The cleaning of input shared by the domains (``saas/cleaning.py``): clean values, and one named
refusal per rule, each a ``ValidationError`` naming the field with a French message."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from enum import StrEnum

import pytest

from saas import bounds, cleaning
from saas.errors import ValidationError


def refusal(call, *args, **kwargs) -> cleaning.Refusal:
    with pytest.raises(cleaning.Refusal) as caught:
        call(*args, **kwargs)
    assert isinstance(caught.value, ValidationError)
    return caught.value


def test_texts_are_trimmed_blank_is_none_unless_required():
    assert cleaning.text("  Niort ", "name", 10) == "Niort"
    assert cleaning.text("   ", "name", 10) is None
    assert cleaning.text(None, "name") is None
    assert cleaning.optional("  ") is None
    assert cleaning.optional(" note ") == "note"
    assert cleaning.stripped(None) == ""
    missing = refusal(cleaning.required_text, " ", "name", "Indiquez le nom.")
    assert type(missing) is cleaning.Missing
    assert (missing.field, missing.message) == ("name", "Indiquez le nom.")


def test_a_text_too_long_names_its_limit_the_french_way():
    too_long = refusal(cleaning.text, "x" * 301, "address", 300)
    assert type(too_long) is cleaning.TooLong
    assert (too_long.field, too_long.message, too_long.limit) == ("address", "300 caractères au plus.", 300)
    assert refusal(cleaning.text, "x" * 20_001, "notes", 20_000).message == "20\u00a0000 caractères au plus."


def test_codes_are_upper_case():
    assert cleaning.code(" 2a004 ") == "2A004"
    assert cleaning.code("") is None


def test_numbers_read_as_people_type_them():
    assert cleaning.number("1 500", "amount") == D("1500")
    assert cleaning.number("29,50", "amount") == D("29.50")
    assert cleaning.number("1\u202f500,5", "amount") == D("1500.5")
    assert cleaning.number(D("3"), "amount") == D("3")
    assert cleaning.number("  ", "amount") is None
    for wrong in ("abc", "NaN", "Infinity", [1]):
        error = refusal(cleaning.number, wrong, "amount")
        assert type(error) is cleaning.NotANumber
        assert error.message == "Saisissez un nombre (ex. 1500 ou 29,50)."


def test_a_number_more_precise_than_its_field_is_refused_by_name():
    error = refusal(cleaning.number, "1,234", "amount")
    assert type(error) is cleaning.TooPrecise
    assert error.message == "Indiquez au plus 2 décimales."
    assert cleaning.number("0,0525", "share", cleaning.TEN_THOUSANDTH) == D("0.0525")


def test_a_required_number_says_what_to_fill_in():
    missing = refusal(cleaning.number, " ", "amount", required="Indiquez le coût horaire.")
    assert (type(missing), missing.message) == (cleaning.Missing, "Indiquez le coût horaire.")
    assert type(refusal(cleaning.positive, None, "amount", required="Indiquez-le.")) is cleaning.Missing
    assert cleaning.codes([" c1201 ", "", "C1201", "a1101"]) == ["C1201", "A1101"]


def test_positive_numbers():
    assert cleaning.positive("0", "amount", allow_zero=True) == 0
    assert refusal(cleaning.positive, "0", "amount").message == "La valeur doit être positive."
    error = refusal(cleaning.positive, "-1", "amount", allow_zero=True)
    assert type(error) is cleaning.NotPositive
    assert error.message == "La valeur doit être positive ou nulle."


def test_fractions_between_0_and_100_percent_to_the_hundredth_of_a_percent():
    assert cleaning.fraction("0,05", "labour_share", "Part") == D("0.05")
    error = refusal(cleaning.fraction, "0.00001", "labour_share", "Part")
    assert type(error) is cleaning.TooPrecise
    assert error.message == "Part : précision maximale de 0,01 %."
    error = refusal(cleaning.fraction, "1.5", "labour_share", "Part")
    assert type(error) is cleaning.OutOfRange
    assert error.message == "Part : indiquez une valeur supérieure à 0 et au plus 100 %."


def test_amounts_more_than_zero_under_the_money_columns_bound():
    assert cleaning.amount("1 234,56789", "amount", "Indiquez le montant.") == D("1234.5679")
    assert cleaning.amount("", "amount", "Indiquez le montant.", required=False) is None
    assert type(refusal(cleaning.amount, "", "amount", "Indiquez le montant.")) is cleaning.Missing
    assert type(refusal(cleaning.amount, "0", "amount", "Indiquez le montant.")) is cleaning.NotPositive
    too_large = refusal(cleaning.amount, "10000000000", "amount", "Indiquez le montant.")
    assert type(too_large) is cleaning.TooLarge
    assert too_large.message == "Valeur trop grande."


def test_integers_within_bounds():
    assert cleaning.integer("12", "months", "Entre 1 et 60 mois.", 1, 60) == 12
    assert cleaning.integer("", "months", "Entre 1 et 60 mois.", 1, 60, default=3) == 3
    assert type(refusal(cleaning.integer, "x", "months", "Entre 1 et 60 mois.", 1, 60)) is cleaning.NotANumber
    error = refusal(cleaning.integer, "61", "months", "Entre 1 et 60 mois.", 1, 60)
    assert (type(error), error.message) == (cleaning.OutOfRange, "Entre 1 et 60 mois.")
    assert cleaning.in_range(D(5), "factor", D(0), D(10), "De 0 à 10.") == D(5)
    assert type(refusal(cleaning.in_range, D(11), "factor", D(0), D(10), "De 0 à 10.")) is cleaning.OutOfRange


def test_dates_from_iso_text():
    assert cleaning.a_date("2026-03-31", "start") == date(2026, 3, 31)
    assert cleaning.a_date(date(2026, 3, 31), "start") == date(2026, 3, 31)
    assert cleaning.a_date("", "start") is None
    error = refusal(cleaning.a_date, "31/13/2026", "start")
    assert (type(error), error.message) == (cleaning.NotADate, "Saisissez une date valide (jj/mm/aaaa).")
    assert (
        refusal(cleaning.a_date, None, "start", required="Indiquez la date.").message == "Indiquez la date."
    )


def test_ids_and_choices():
    assert cleaning.identifier("12", "lot_id") == 12
    assert cleaning.identifier("", "lot_id") is None
    assert type(refusal(cleaning.identifier, "douze", "lot_id")) is cleaning.NotAChoice
    assert cleaning.identifiers(["3", 1, "3"], "ids") == [3, 1]
    assert refusal(cleaning.identifiers, ["x"], "ids").message == "Identifiant non valide."
    assert cleaning.choice("a", "kind", {"a": 1}) == "a"
    assert type(refusal(cleaning.choice, "b", "kind", {"a": 1}, "Choisissez.")) is cleaning.NotAChoice

    class Colour(StrEnum):
        red = "red"

    assert cleaning.member(Colour, "red", "colour") is Colour.red
    assert refusal(cleaning.member, Colour, "blue", "colour", "Couleur ?").message == "Couleur ?"


def test_siret_checked_with_the_luhn_key():
    assert cleaning.siret("732 829 320 00074") == "73282932000074"
    assert cleaning.siret("") is None
    assert type(refusal(cleaning.siret, "", required="Le SIRET est obligatoire.")) is cleaning.Missing
    error = refusal(cleaning.siret, "73282932000075")
    assert (type(error), error.field) == (cleaning.InvalidSiret, "siret")
    assert error.message == "Le SIRET n'est pas valide (14 chiffres, clé de Luhn)."


def test_email_normalised_and_phone_as_people_write_it():
    assert cleaning.email(" Contact@Exemple.FR ") == "Contact@exemple.fr"
    assert cleaning.email("") is None
    error = refusal(cleaning.email, "pas une adresse", "contact_email")
    assert (type(error), error.field) == (cleaning.InvalidEmail, "contact_email")
    assert cleaning.phone(" 05 49 00 00 00 ") == "05 49 00 00 00"
    assert cleaning.phone(None) is None
    assert type(refusal(cleaning.phone, "12")) is cleaning.InvalidPhone


def test_insee_codes():
    assert cleaning.insee_code(" 2a004 ") == "2A004"
    assert type(refusal(cleaning.insee_code, "7919")) is cleaning.InvalidInsee
    assert cleaning.insee_codes("79191, 2a004;79191") == ["79191", "2A004"]
    error = refusal(cleaning.insee_codes, ["79191", "ABCDE"])
    assert (type(error), error.field) == (cleaning.InvalidInsee, "execution_communes")
    assert error.message.startswith("Codes INSEE non valides : ABCDE.")


def test_a_text_with_a_nul_character_is_refused_naming_its_field():
    """PostgreSQL refuses NUL in a text: before, a comment typed with one answered 500."""
    with pytest.raises(ValidationError) as refused:
        cleaning.text("a\x00b", "comment")
    assert refused.value.errors == {"comment": [bounds.NUL_MESSAGE]}
