"""Steps shared by the journeys. The login is one function: every journey signs in through it, so
a second factor is added here once."""

from __future__ import annotations

import re

import pyotp

from tests.browser.checks import open_menus
from tests.fixtures import PASSWORD, totp_code


def login(page, audit_page, app, email: str, password: str = PASSWORD) -> None:
    """Signs in through the login page, as a person would, and checks that page; then the second
    factor: enrolment (the key typed by hand into an authenticator, the recovery codes noted) at the
    first login of a role that requires it, the current code otherwise."""
    page.goto("/connexion")
    audit_page("Connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    follow(page, page.get_by_role("button", name="Se connecter"))
    if "/connexion/activation" in page.url:
        audit_page("Activation de la double authentification")
        secret = page.locator("#cle-secrete").inner_text().replace(" ", "")
        page.get_by_label("Code affiché par l'application").fill(pyotp.TOTP(secret).now())
        follow(page, page.get_by_role("button", name="Confirmer l'activation"))
        assert page.locator(".codes-secours li").count() == 10, text(page.locator("main"))[:800]
        audit_page("Codes de secours")
        follow(page, page.get_by_role("button", name="J'ai noté mes codes, continuer"))
    elif "/connexion/verification" in page.url:
        audit_page("Vérification en deux étapes")
        page.get_by_label("Code de vérification").fill(totp_code(app, email))
        follow(page, page.get_by_role("button", name="Vérifier"))
    assert "/connexion" not in page.url, f"connexion refusée pour {email} : {page.url}"


def open_nav(page, label: str) -> None:
    """Follows a link of the main navigation, opening its menus first where they are closed."""
    navigation = page.get_by_role("navigation", name="Navigation principale")
    link = navigation.get_by_role("link", name=label, exact=True)
    if not link.is_visible():
        open_menus(page)
    follow(page, link)


def flash_text(page) -> str:
    return text(page.locator(".messages"))


def text(locator) -> str:
    """Visible text with French number spaces (narrow and non-breaking) as plain spaces."""
    return locator.inner_text().replace("\u202f", " ").replace("\u00a0", " ")


def choose(page, label: str, contains: str) -> None:
    """Selects, in the list labelled ``label``, the option whose text contains ``contains``."""
    select = page.get_by_label(re.compile(rf"^{re.escape(label)}( \(obligatoire\))?$"))
    options = select.locator("option").all_inner_texts()
    matches = [option for option in options if contains.lower() in option.lower()]
    assert len(matches) == 1, f"« {contains} » dans la liste « {label} » : {matches or options[:10]}"
    select.select_option(label=matches[0])


def search_and_choose(page, label: str, typed: str, contains: str) -> None:
    """In the search field labelled ``label`` (a WAI-ARIA combobox, static/js/chooser.js), types
    ``typed``, goes down the suggestions with the arrow keys to the one containing ``contains`` and
    chooses it with Enter: the keyboard only, checking what a screen reader is told at each step."""
    field = page.get_by_role("combobox", name=re.compile(rf"^{re.escape(label)}( \(obligatoire\))?$"))
    listbox = page.locator(f"#{field.get_attribute('aria-controls')}")
    assert listbox.get_attribute("role") == "listbox" and field.get_attribute("aria-expanded") == "false"
    field.focus()
    field.press_sequentially(typed, delay=30)
    listbox.locator("[role=option]").first.wait_for()
    assert field.get_attribute("aria-expanded") == "true"
    labels = listbox.locator("[role=option]").all_inner_texts()
    assert any(contains in option for option in labels), labels
    for _ in labels:
        field.press("ArrowDown")
        active = page.locator(f"#{field.get_attribute('aria-activedescendant')}")
        assert active.get_attribute("aria-selected") == "true"
        if contains in active.inner_text():
            break
    chosen = active.inner_text()
    field.press("Enter")  # chooses, does not send the form
    assert field.get_attribute("aria-expanded") == "false" and listbox.is_hidden()
    assert field.input_value() == chosen and field.get_attribute("aria-activedescendant") is None


def follow(page, locator) -> None:
    """Clicks a link or a button and waits for the page it leads to (styles and scripts loaded)."""
    with page.expect_navigation(wait_until="load"):
        locator.click()


def submit(page, name: str) -> None:
    follow(page, page.get_by_role("button", name=name, exact=True))
