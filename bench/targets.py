"""The routes measured: every page of the guichet's workspace (lists and one object of each kind)
and every list of the JSON API. A route whose object the tenant does not have is left out, and
said so."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    label: str
    path: str
    #: "page" (session cookie) or "api" (bearer token)
    kind: str
    #: the id the path needs (a key of ``Setup.ids``), if any
    needs: str | None = None

    def url_path(self, slug: str, ids: dict[str, int | None]) -> str | None:
        if self.needs is not None and ids.get(self.needs) is None:
            return None
        values = {"slug": slug, **{name: value for name, value in ids.items() if value is not None}}
        return self.path.format(**values)


def _page(label: str, path: str, needs: str | None = None) -> Route:
    return Route(label, "/t/{slug}" + path, "page", needs)


def _api(label: str, path: str, needs: str | None = None) -> Route:
    return Route(label, "/api/v1" + path, "api", needs)


PAGES = [
    _page("Tableau de bord", "/"),
    _page("Marchés", "/marches/"),
    _page("Un marché", "/marches/{marche}", "marche"),
    _page("Un lot", "/lots/{lot}", "lot"),
    _page("Participants", "/participants/"),
    _page("Un participant", "/participants/{participant}", "participant"),
    _page("CVthèque", "/cvtheque/"),
    _page("Missions", "/missions/"),
    _page("Une mission", "/missions/{mission}", "mission"),
    _page("Relevés d'heures", "/heures/"),
    _page("Relevés d'heures (tous)", "/heures/?statut=tous"),
    _page("Un relevé", "/heures/{statement}", "statement"),
    _page("Mutualisations", "/mutualisations/"),
    _page("Une mutualisation", "/mutualisations/{agreement}", "agreement"),
    _page("Calendrier des obligations", "/calendrier/"),
    _page("Conformité", "/conformite/"),
    _page("Comités", "/comites/"),
    _page("Un comité", "/comites/{meeting}", "meeting"),
    _page("Décisions", "/decisions/"),
    _page("Traitements", "/traitements/"),
]

API_LISTS = [
    _api("API marchés", "/marches"),
    _api("API lots d'un marché", "/marches/{marche}/lots", "marche"),
    _api("API participants", "/participants"),
    _api("API missions", "/missions"),
    _api("API relevés", "/releves"),
    _api("API mutualisations", "/mutualisations"),
    _api("API règles de comptage", "/regles-comptage"),
    _api("API organisations", "/organisations"),
    _api("API conventions", "/conventions"),
    _api("API échéances", "/echeances"),
    _api("API versements", "/versements"),
    _api("API conformité", "/conformite"),
    _api("API comités", "/comites"),
    _api("API décisions", "/decisions"),
    _api("API avancement d'un lot", "/lots/{lot}/avancement", "lot"),
    _api("API avancement d'un marché", "/marches/{marche}/avancement", "marche"),
    _api(
        "API avancement d'un donneur d'ordre", "/donneurs-ordre/{donneur_ordre}/avancement", "donneur_ordre"
    ),
]

#: the pages that can be exported (``?export=xlsx``): the largest is measured
EXPORTS = [
    _page("Relevés d'heures (tous)", "/heures/?statut=tous&export=xlsx"),
    _page("Missions", "/missions/?export=xlsx"),
    _page("Participants", "/participants/?export=xlsx"),
    _page("Marchés", "/marches/?export=xlsx"),
]

QUICK = {"Tableau de bord", "Relevés d'heures (tous)", "Un participant", "API relevés", "API participants"}


def routes(quick: bool = False) -> list[Route]:
    chosen = PAGES + API_LISTS
    return [route for route in chosen if route.label in QUICK] if quick else chosen
