"""Steps shared by the journeys. The login is one function: every journey signs in through it, so
a second factor is added here once."""

from __future__ import annotations

import re

from tests.browser.checks import open_menus
from tests.fixtures import PASSWORD


def login(page, audit_page, email: str, password: str = PASSWORD) -> None:
    """Signs in through the login page, as a person would, and checks that page."""
    page.goto("/connexion")
    audit_page("Connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    follow(page, page.get_by_role("button", name="Se connecter"))
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


def follow(page, locator) -> None:
    """Clicks a link or a button and waits for the page it leads to (styles and scripts loaded)."""
    with page.expect_navigation(wait_until="load"):
        locator.click()


def submit(page, name: str) -> None:
    follow(page, page.get_by_role("button", name=name, exact=True))
