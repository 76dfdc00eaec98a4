"""Reference data: the only entry point the rest of the application calls.

Loading (``load_all``, ``import_rome``, ``import_qpv``) writes with the owner connection and needs
an application context; lookups read through the application session.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from saas import cleaning
from saas.referentiels import loader, repository
from saas.referentiels.enums import ExitCategory, ItemList
from saas.referentiels.imports import ImportResult, import_qpv, import_rome
from saas.referentiels.models import (
    Commune,
    ContractType,
    Criterion,
    Departement,
    ExitMotif,
    Item,
    Qpv,
    Rome,
)

__all__ = [
    "ImportResult",
    "commune",
    "communes_named",
    "communes_of_epci",
    "contract_type",
    "contract_types",
    "criteria",
    "criterion",
    "departement",
    "eligibility_satisfied",
    "exit_category",
    "exit_motif",
    "exit_motifs",
    "import_qpv",
    "import_rome",
    "item_label",
    "items",
    "load_all",
    "qpv",
    "qpv_of_commune",
    "rome",
    "rule_satisfied",
    "search_communes",
    "search_rome",
]

# (file, model, reader), in the order they are loaded.
FILES = [
    ("departements.csv", Departement, loader.departement_rows),
    ("communes.csv.gz", Commune, loader.commune_rows),
    ("items.csv", Item, loader.item_rows),
    ("criteres.csv", Criterion, loader.criteria_rows),
    ("types_contrat.csv", ContractType, loader.contract_type_rows),
    ("motifs_sortie.csv", ExitMotif, loader.exit_motif_rows),
    ("rome.csv", Rome, loader.rome_rows),
    ("qpv.csv", Qpv, loader.qpv_rows),
]


def load_all(data_dir: Path | str | None = None) -> dict[str, int]:
    """Load every data file (idempotent upserts, one transaction); return rows written per table."""
    directory = Path(data_dir) if data_dir else loader.DATA_DIR
    counts = {}
    with loader.owner_connection() as conn:
        for filename, model, read in FILES:
            rows = read(directory / filename)
            loader.check_unique(rows, model.__table__, filename)
            created, updated = loader.upsert(conn, model.__table__, rows)
            counts[model.__tablename__] = created + updated
    return counts


# --- lookups --------------------------------------------------------------------------------------


def criteria() -> list[Criterion]:
    """Every eligibility criterion, IAE level 1, then level 2, then clause-specific ones."""
    return repository.criteria()


def criterion(code: str) -> Criterion | None:
    return repository.get(Criterion, code)


def contract_types() -> list[ContractType]:
    return repository.contract_types()


def contract_type(code: str) -> ContractType | None:
    return repository.get(ContractType, code)


def exit_motifs() -> list[ExitMotif]:
    return repository.exit_motifs()


def exit_motif(code: str) -> ExitMotif | None:
    return repository.get(ExitMotif, code)


def exit_category(code: str) -> ExitCategory:
    """The category derived from a detailed exit motif; ``KeyError`` for an unknown motif."""
    motif = exit_motif(code)
    if motif is None:
        raise KeyError(f"Motif de sortie inconnu : {code}")
    return ExitCategory(motif.category)


def items(list_name: ItemList | str) -> list[Item]:
    return repository.items(ItemList(list_name).value)


def item_label(list_name: ItemList | str, code: str) -> str | None:
    item = repository.get(Item, ItemList(list_name).value, code)
    return item.label if item else None


def _by_code(model, code: str):
    """The row of a reference table whose key is ``code`` as people type it (spaces, lower case)."""
    return repository.get(model, cleaning.stripped(code).upper())


def commune(insee: str) -> Commune | None:
    return _by_code(Commune, insee)


def search_communes(text: str, limit: int = 20) -> list[Commune]:
    """Communes whose name starts with ``text`` (accents, case, hyphens ignored), or by INSEE
    code or postcode (prefix)."""
    return repository.search_communes(text, limit)


def communes_named(insees) -> list[Commune]:
    """The communes of these INSEE codes, by name, in one query."""
    return repository.communes_named(list(insees or ()))


def communes_of_epci(siren: str) -> list[Commune]:
    return repository.communes_of_epci(siren)


def departement(code: str) -> Departement | None:
    return _by_code(Departement, code)


def qpv(code: str) -> Qpv | None:
    return _by_code(Qpv, code)


def qpv_of_commune(insee: str) -> list[Qpv]:
    return repository.qpv_of_commune(insee)


def rome(code: str) -> Rome | None:
    return _by_code(Rome, code)


def search_rome(text: str, limit: int = 20) -> list[Rome]:
    """ROME sheets by code prefix, or whose label holds every word of ``text``."""
    return repository.search_rome(text, limit)


# --- eligibility ----------------------------------------------------------------------------------

#: level-2 criteria needed without a level-1 one, per insertion structure kind (IAE rule).
LEVEL_2_NEEDED = {"siae_ai": 2, "siae_etti": 2, "siae_aci": 3, "siae_ei": 3, "siae_eiti": 3}


def eligibility_satisfied(criteria_codes: Iterable[str], structure_kind: str | None) -> bool:
    """The IAE reference rule (docs/domain.md).

    For an SIAE: one level-1 criterion, or 2 level-2 criteria (AI, ETTI), or 3 (ACI, EI, EITI).
    For any other employer (clause hiring without an SIAE): any one known criterion. Unknown codes
    count for nothing and a criterion given twice counts once.
    """
    known = repository.criteria_by_codes(set(criteria_codes))
    return rule_satisfied([c.level for c in known], structure_kind)


def rule_satisfied(levels: list[int | None], structure_kind: str | None) -> bool:
    """The rule on the levels of distinct known criteria (None for a clause-specific one)."""
    needed = LEVEL_2_NEEDED.get(structure_kind or "")
    if needed is None:
        return len(levels) >= 1
    return levels.count(1) >= 1 or levels.count(2) >= needed
