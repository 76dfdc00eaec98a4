"""API resources: progress of a lot, a marché or a donneur d'ordre (hours due, counted, raw, rate,
people and contracts), computed in SQL by ``saas.heures.progress``. Aggregates only: no person."""

from __future__ import annotations

from decimal import Decimal

from flask.views import MethodView

from blueprints.api.auth import token_blueprint
from saas.errors import DomainError
from saas.heures import progress as progresses
from saas.heures.schemas import ProgressSchema
from saas.marches.models import Lot, Marche
from saas.partenaires.enums import OrganisationKind
from saas.partenaires.models import Organisation
from tenants.web import load_scoped

blp = token_blueprint(
    "api_avancement",
    __name__,
    "Avancement des lots, marchés et donneurs d'ordre (agrégats)",
    ids={"lot_id": Lot, "marche_id": Marche, "donneur_ordre_id": Organisation},
)


def _progress(level: str, key: int, label: str) -> progresses.Progress:
    """The progress of one group, zero when it has no lot yet."""
    found = progresses.progress(level, [key]).get(key)
    if found is not None:
        return found
    return progresses.Progress(key, label, Decimal(0), Decimal(0), Decimal(0), 0, 0)


@blp.route("/lots/<int:lot_id>/avancement")
class LotProgress(MethodView):
    @blp.response(200, ProgressSchema)
    def get(self, lot_id: int):
        """Avancement d'un lot : heures dues, comptées (après règles et mutualisation), réalisées."""
        lot = load_scoped(Lot, lot_id)
        return _progress("lot", lot.id, f"Lot {lot.number}")


@blp.route("/marches/<int:marche_id>/avancement")
class MarcheProgress(MethodView):
    @blp.response(200, ProgressSchema)
    def get(self, marche_id: int):
        """Avancement d'un marché : la somme de ses lots ; une personne compte une fois."""
        marche = load_scoped(Marche, marche_id)
        return _progress("marche", marche.id, marche.reference)


@blp.route("/donneurs-ordre/<int:donneur_ordre_id>/avancement")
class DonneurProgress(MethodView):
    @blp.response(200, ProgressSchema)
    def get(self, donneur_ordre_id: int):
        """Avancement des marchés d'un donneur d'ordre.

        Agrégats seulement : ni nom ni éligibilité par personne. Une organisation d'un autre type
        répond 422.
        """
        organisation = load_scoped(Organisation, donneur_ordre_id)
        if organisation.kind != OrganisationKind.donneur_ordre:
            raise DomainError(
                f"« {organisation.name} » n'est pas un donneur d'ordre : l'avancement se lit par "
                "donneur d'ordre, par marché ou par lot."
            )
        return _progress("donneur_ordre", organisation.id, organisation.name)
