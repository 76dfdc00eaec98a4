"""Rebuild ``data/communes.csv.gz`` and ``data/departements.csv`` from the Etalab package.

Source: the npm package ``@etalab/decoupage-administratif`` (version 6.0.0, millésime 2026, data
under Licence Ouverte), itself built from the INSEE Code officiel géographique, the DGCL list of
EPCI à fiscalité propre and the La Poste postcode base. Only its JSON files are used; the
application never needs npm at run time.

Kept: current communes (``type == "commune-actuelle"``) of metropolitan France and of the five
overseas departments (``zone`` metro or drom); overseas collectivities (``zone == "com"``: Saint-Pierre-
et-Miquelon, Saint-Barthélemy, Saint-Martin, Polynesia, New Caledonia...) are left out, as the
public procurement code and the IAE scheme do not apply to them as such.

To rebuild (e.g. for a new millésime)::

    cd /tmp && npm pack @etalab/decoupage-administratif@6.0.0 && tar xzf etalab-decoupage-administratif-6.0.0.tgz
    uv run python -m saas.referentiels.build_communes /tmp/package

then check the diff of the row counts and bump the version above.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
ZONES = {"metro", "drom"}


def _read(package: Path, name: str) -> list[dict]:
    return json.loads((package / "data" / name).read_text(encoding="utf-8"))


def _epci_of_communes(package: Path) -> dict[str, tuple[str, str]]:
    """INSEE code -> (SIREN, name) of its EPCI à fiscalité propre."""
    return {
        member["code"]: (epci["code"], epci["nom"])
        for epci in _read(package, "epci.json")
        for member in epci["membres"]
    }


def commune_rows(package: Path) -> list[list[str]]:
    epci = _epci_of_communes(package)
    rows = []
    for commune in _read(package, "communes.json"):
        if commune["type"] != "commune-actuelle" or commune["zone"] not in ZONES:
            continue
        siren, epci_name = epci.get(commune["code"], ("", ""))
        postcodes = ",".join(sorted(set(commune.get("codesPostaux", []))))
        rows.append(
            [
                commune["code"],
                commune["nom"],
                commune["departement"],
                commune["region"],
                siren,
                epci_name,
                postcodes,
            ]
        )
    return sorted(rows)


def departement_rows(package: Path) -> list[list[str]]:
    return sorted(
        [d["code"], d["nom"], d["region"]] for d in _read(package, "departements.json") if d["zone"] in ZONES
    )


def build(package: Path, target: Path = DATA) -> tuple[int, int]:
    communes = commune_rows(package)
    # mtime=0: the same input gives a byte-identical file, so git only sees real changes
    with (
        open(target / "communes.csv.gz", "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as compressed,
        io.TextIOWrapper(compressed, encoding="utf-8", newline="") as out,
    ):
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow(["insee", "nom", "departement", "region", "epci_siren", "epci_nom", "codes_postaux"])
        writer.writerows(communes)
    departements = departement_rows(package)
    with open(target / "departements.csv", "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow(["code", "nom", "region"])
        writer.writerows(departements)
    return len(communes), len(departements)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage : python -m saas.referentiels.build_communes CHEMIN_DU_PAQUET_NPM_DECOMPRESSE")
    communes, departements = build(Path(sys.argv[1]))
    print(f"{communes} communes, {departements} départements écrits dans {DATA}")
