"""The checks themselves can fail: a page with known defects is refused, with a message that names
them; a missing Chromium skips the tests on a laptop and fails them in CI."""

from __future__ import annotations

import pytest

from tests.browser.checks import Figures
from tests.browser.conftest import require_chromium

# committed data: the browser talks to the app served by another thread
pytestmark = pytest.mark.committed

BROKEN = """<!DOCTYPE html><html lang="fr"><head><title>Page cassée</title></head><body>
<nav aria-label="Navigation principale"><ul>{links}</ul></nav>
<main><h1>Titre</h1>
<img src="/logo.png">
<p style="color:#bbb;background:#fff">Texte trop pâle</p>
<form><input type="text" name="sans_libelle"></form>
<div style="width:2000px">Trop large</div>
</main></body></html>"""

CLEAN = """<!DOCTYPE html><html lang="fr"><head><title>Page propre</title></head><body>
<header><p>Guichet</p></header>
<main><h1>Titre</h1><form><label for="nom">Nom</label><input id="nom" type="text"></form></main>
</body></html>"""


def test_a_page_with_defects_is_refused_with_its_rules_named(page):
    page.set_content(BROKEN.format(links="".join(f"<li><a href='#{n}'>Lien {n}</a></li>" for n in range(60))))
    figures = Figures()
    with pytest.raises(AssertionError) as failure:
        figures.check(page, "Page cassée")
    message = str(failure.value)
    for expected in (
        "page « Page cassée »",
        "axe critical à 1280 px : image-alt",
        "axe serious à 1280 px : color-contrast",
        "axe critical à 1280 px : label",
        "défilement horizontal à 1280 px",
        "défilement horizontal à 390 px",
        "la navigation principale tient sur",
        "sous le premier écran",
    ):
        assert expected in message, message
    assert figures.violations["critical"] >= 2 and figures.violations["serious"] >= 1


def test_a_clean_page_passes_and_is_counted(page):
    page.set_content(CLEAN)
    figures = Figures()
    figures.check(page, "Page propre")
    assert figures.pages == ["Page propre"]
    assert figures.violations["serious"] == figures.violations["critical"] == 0


def test_without_chromium_a_laptop_skips_and_ci_fails(monkeypatch, tmp_path):
    missing = str(tmp_path / "chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="paquet Debian « chromium »"):
        require_chromium(missing)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"En CI, \.ci/run doit l'installer"):
        require_chromium(missing)
