"""The small JSON searches behind the choice of a participant, a mission or a lot (blueprints/choosers.py):
the forms send no list of every row; ``static/js/chooser.js`` asks these as one types."""

from __future__ import annotations

from blueprints.choosers import search_answer
from blueprints.guichet.views import bp
from saas.parcours import api as parcours


@bp.route("/recherche/participants")
def search_participants():
    return search_answer(parcours.participant_options)


@bp.route("/recherche/missions")
def search_missions():
    return search_answer(parcours.mission_options)


@bp.route("/recherche/lots")
def search_lots():
    return search_answer(parcours.lot_choices)
