"""No page sends every row of a growing table: a participant (mission form) and a mission (hours
list filter) are chosen through a search field (blueprints/choosers.py), fed by a small JSON search
scoped to the tenant and limited; without JavaScript the typed text is resolved by the server."""

from __future__ import annotations

import html
import re
from decimal import Decimal

from sqlalchemy import select

from saas.db import db
from saas.parcours.models import Mission
from tests.builders import add_lot, eligible_participant, place
from tests.clause_pages import clause_site, in_scope, mission_data
from tests.fixtures import csrf_token


def _participants(app, site, *names: str) -> list[int]:
    with in_scope(app, site):
        ids = [eligible_participant(name) for name in names]
        db.session.commit()
        return ids


def _missions(app, site, count: int, name: str = "Martin") -> list[int]:
    with in_scope(app, site):
        ids = [
            place(site.world, eligible_participant(f"{name}{i:03d}"), site.world.lots[0])
            for i in range(count)
        ]
        db.session.commit()
        return ids


def _placed(app, site) -> list[int]:
    """The participants of the tenant's missions."""
    with in_scope(app, site):
        return list(db.session.scalars(select(Mission.participant_id).order_by(Mission.id)))


def _json(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


# --- the JSON search ---------------------------------------------------------------------------------


def test_the_participant_search_finds_words_whatever_accents_and_case(app, client, site):
    andre, _ = _participants(app, site, "ANDRÉ", "Martin")
    answer = _json(client, site.url("/recherche/participants?q=andre+cam"))
    assert answer == {
        "resultats": [{"id": andre, "libelle": answer["resultats"][0]["libelle"]}],
        "suite": False,
    }
    assert "ANDRÉ Camille" in answer["resultats"][0]["libelle"]
    assert _json(client, site.url("/recherche/participants?q=%25"))["resultats"] == []  # % is literal


def test_a_rectified_name_is_found_by_its_new_spelling_at_once(app, client, site):
    """The names are compared in columns the database folds at each write (a generated column,
    migration ``a7c2e9f5d3b8``), not folded again at each search: they follow a rectification."""
    from saas.participants import api as participants
    from saas.participants.models import Identity, Participant
    from tests.fixtures import ACTOR

    (renamed,) = _participants(app, site, "Lefèvre")
    with in_scope(app, site):
        participants.update(
            ACTOR, db.session.get(Participant, (site.world.tenant_id, renamed)), last_name="Ségolène"
        )
        db.session.commit()
        folded = db.session.scalars(
            select(Identity.last_name_folded).where(Identity.participant_id == renamed)
        )
        assert folded.one() == "Segolene"
    found = _json(client, site.url("/recherche/participants?q=segolene"))["resultats"]
    assert [row["id"] for row in found] == [renamed]
    assert _json(client, site.url("/recherche/participants?q=lefevre"))["resultats"] == []


def test_the_search_is_limited_and_says_when_more_rows_match(app, client, site):
    _participants(app, site, *(f"Durand{i}" for i in range(25)))
    answer = _json(client, site.url("/recherche/participants?q=durand&limite=3"))
    assert len(answer["resultats"]) == 3 and answer["suite"] is True
    answer = _json(client, site.url("/recherche/participants?q=durand"))
    assert len(answer["resultats"]) == 10 and answer["suite"] is True  # 10 by default
    answer = _json(client, site.url("/recherche/participants?q=durand&limite=20"))
    assert len(answer["resultats"]) == 20 and answer["suite"] is True  # never more than 20
    assert _json(client, site.url("/recherche/participants?q=durand7"))["suite"] is False


def test_the_search_refuses_in_french(client, site):
    for query, message in [
        ("q=" + "a" * 101, "La recherche tient en 100 caractères au plus."),
        ("limite=0", "Le nombre de résultats demandé va de 1 à 20."),
        ("limite=21", "Le nombre de résultats demandé va de 1 à 20."),
        ("limite=dix", "Le nombre de résultats demandé va de 1 à 20."),
    ]:
        assert _json(client, site.url(f"/recherche/participants?{query}"), 400) == {"erreur": message}


def test_the_search_answers_only_the_tenants_rows(app, client, site):
    other = clause_site(app, "autre")
    _participants(app, other, "Dupont")
    _missions(app, other, 1, "Dupont")
    assert _json(client, site.url("/recherche/participants?q=dupont"))["resultats"] == []
    assert _json(client, site.url("/recherche/missions?q=dupont"))["resultats"] == []
    # the other tenant's search itself answers 404 (tests/tenants/test_isolation_routes.py)
    assert client.get(other.url("/recherche/participants?q=dupont")).status_code == 404


def test_the_mission_search_finds_participant_employer_and_lot(app, client, site):
    (mission,) = _missions(app, site, 1, "Leroy")
    for text in ("leroy", "batisseurs", "lot 1 M-0", "Leroy bâtisseurs"):
        found = _json(client, site.url(f"/recherche/missions?q={text}"))["resultats"]
        assert [row["id"] for row in found] == [mission], text
    assert "LEROY000 Camille — Bâtisseurs SA — Lot 1 — M-0" in found[0]["libelle"]
    assert _json(client, site.url("/recherche/missions?q=inconnu"))["resultats"] == []


# --- without JavaScript: the server resolves the text --------------------------------------------------


def _post_mission(client, site, participant_id: str = "", **fields):
    url = site.url("/missions/nouvelle")
    data = {**mission_data(site, participant_id, **fields), "csrf_token": csrf_token(client, url)}
    return client.post(url, data=data)


def test_a_typed_name_found_once_is_the_participant_placed(app, client, site):
    (andre,) = _participants(app, site, "André")
    response = _post_mission(client, site, **{"participant_id-texte": "andre"})
    assert response.status_code == 302
    assert _placed(app, site) == [andre]


def test_a_typed_name_found_several_times_offers_the_matches(app, client, site):
    first, second = _participants(app, site, "Bernard", "Bernardin")
    response = _post_mission(client, site, **{"participant_id-texte": "bernard"})
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert "Plusieurs participants correspondent à « bernard » : choisissez parmi les 2 ci-dessous." in page
    radios = re.findall(
        r'<input type="radio" class="champ__radio" id="[^"]+" name="participant_id" value="(\d+)">', page
    )
    assert sorted(int(v) for v in radios) == sorted([first, second])
    # the one chosen among them, the text unchanged, is placed
    response = _post_mission(client, site, participant_id=str(second), **{"participant_id-texte": "bernard"})
    assert response.status_code == 302


def test_a_typed_name_found_nowhere_says_so(client, site):
    response = _post_mission(client, site, **{"participant_id-texte": "Personne"})
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert "Aucun participant ne correspond à « Personne » : vérifiez l'orthographe." in page
    empty = html.unescape(_post_mission(client, site).get_data(as_text=True))
    assert "Choisissez le participant." in empty


def test_a_text_typed_again_after_a_choice_wins_over_the_chosen_id(app, client, site):
    first, second = _participants(app, site, "Petit", "Grand")
    response = _post_mission(client, site, participant_id=str(first), **{"participant_id-texte": "grand"})
    assert response.status_code == 302
    assert _placed(app, site) == [second]


def test_another_tenants_participant_id_is_not_chosen(app, client, site):
    other = clause_site(app, "autre")
    (foreign,) = _participants(app, other, "Étranger")
    response = _post_mission(client, site, participant_id=str(foreign))
    assert response.status_code == 400
    assert "Choisissez le participant." in html.unescape(response.get_data(as_text=True))


def test_the_hours_filter_resolves_a_typed_mission(app, client, site):
    first, second = _missions(app, site, 2, "Roux")
    page = html.unescape(
        client.get(site.url("/heures/?statut=tous&mission-texte=roux001")).get_data(as_text=True)
    )
    assert f'name="mission" value="{second}" data-choix-valeur' in page
    several = html.unescape(
        client.get(site.url("/heures/?statut=tous&mission-texte=roux")).get_data(as_text=True)
    )
    assert "Plusieurs missions correspondent à « roux » : choisissez parmi les 2 ci-dessous." in several
    assert f'name="mission" value="{first}"' in several


# --- the size of the pages ---------------------------------------------------------------------------


def _options(client, url: str) -> tuple[int, int]:
    page = client.get(url).get_data(as_text=True)
    return page.count("<option"), len(page)


FORMS = ("/heures/", "/missions/nouvelle", "/mutualisations/")


def _lots(app, site, count: int) -> None:
    with in_scope(app, site):
        for i in range(count):
            add_lot(site.world.buyers[0], f"M-EXTRA-{i}", Decimal(100), site.world.employer_id)
        db.session.commit()


def test_the_forms_do_not_grow_with_the_missions_participants_and_lots(app, client, site):
    _missions(app, site, 5)
    pages = (*FORMS, "/missions/")
    few = {url: _options(client, site.url(url)) for url in pages}
    _missions(app, site, 55, "Lambert")
    _lots(app, site, 20)
    many = {url: _options(client, site.url(url)) for url in pages}
    for url, (options, size) in many.items():
        assert options == few[url][0], url  # no option per mission, participant or lot
        if url in FORMS:
            assert size - few[url][1] < 200, url  # the page holds no row of them (only counts change)
    assert 'name="mission-texte"' in client.get(site.url("/heures/")).get_data(as_text=True)


def test_the_lot_search_finds_number_marche_and_buyer(app, client, site):
    _lots(app, site, 3)
    for text, count in (("M-EXTRA", 3), ("lot 1 m-extra-2", 1), ("donneur 0 extra", 3), ("donneur 1 M-1", 1)):
        assert len(_json(client, site.url(f"/recherche/lots?q={text}"))["resultats"]) == count, text
    (row,) = _json(client, site.url("/recherche/lots?q=M-EXTRA-1"))["resultats"]
    assert row["libelle"] == "Lot 1 — M-EXTRA-1 (Donneur 0)"
    response = _post_mission(
        client,
        site,
        participant_id=str(_participants(app, site, "Lefort")[0]),
        lot_id="",
        **{"lot_id-texte": "m-extra-2"},
    )
    assert response.status_code == 302  # the one lot found, without JavaScript
