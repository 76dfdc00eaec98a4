"""Reference data: shipped files, idempotent loading, lookups, the IAE rule, imports, rights."""

from __future__ import annotations

import shutil
import time

import pytest
from psycopg.errors import InsufficientPrivilege
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from saas.errors import ValidationError
from saas.referentiels import api
from saas.referentiels.enums import ExitCategory, ItemList
from saas.referentiels.loader import DATA_DIR
from saas.referentiels.repository import fold

TABLES = [
    "ref_communes",
    "ref_departements",
    "ref_items",
    "ref_criteria",
    "ref_contract_types",
    "ref_exit_motifs",
    "ref_rome",
    "ref_qpv",
]


def table_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() for table in TABLES}


@pytest.fixture
def cleanup_imports(_engines):
    """Imports write shared platform tables on a connection of their own (committed), which tests
    neither truncate nor roll back: remove the test rows, on a connection of its own too."""
    yield
    with _engines["superuser"].begin() as conn:
        conn.execute(text("DELETE FROM ref_qpv WHERE code LIKE 'QTEST%'"))
        conn.execute(text("DELETE FROM ref_rome WHERE code LIKE 'A99%'"))


# --- shipped data ---------------------------------------------------------------------------------


def test_the_whole_country_is_loaded_and_every_commune_has_its_departement(superuser_engine):
    counts = table_counts(superuser_engine)
    assert counts["ref_communes"] > 34_000
    assert counts["ref_departements"] >= 101
    with superuser_engine.connect() as conn:
        orphans = conn.execute(
            text(
                "SELECT count(*) FROM ref_communes c "
                "LEFT JOIN ref_departements d ON d.code = c.departement WHERE d.code IS NULL"
            )
        ).scalar_one()
        overseas = conn.execute(
            text("SELECT count(DISTINCT departement) FROM ref_communes WHERE departement LIKE '97%'")
        ).scalar_one()
    assert orphans == 0
    assert overseas == 5  # Guadeloupe, Martinique, Guyane, La Réunion, Mayotte


def test_known_communes_carry_their_departement_epci_and_postcodes(ctx):
    niort = api.commune("79191")
    assert (niort.name, niort.departement, niort.region) == ("Niort", "79", "75")
    assert (niort.epci_siren, niort.epci_name) == ("200041317", "CA du Niortais")
    assert "79000" in niort.postcodes
    saint_denis = api.commune("93066")
    assert (saint_denis.name, saint_denis.departement) == ("Saint-Denis", "93")
    assert saint_denis.epci_name == "Métropole du Grand Paris"
    assert api.commune("52448").name == "Saint-Dizier"
    assert api.commune("97411").departement == "974"  # Saint-Denis de La Réunion
    assert api.commune("99999") is None
    members = {c.insee for c in api.communes_of_epci("200041317")}
    assert "79191" in members and len(members) > 30
    assert api.departement("79").name == "Deux-Sèvres"
    assert api.departement("2a").name == "Corse-du-Sud"


def test_loading_twice_gives_the_same_rows_and_updates_labels(app, superuser_engine, tmp_path):
    before = table_counts(superuser_engine)
    with app.app_context():
        started = time.monotonic()
        counts = api.load_all()
        elapsed = time.monotonic() - started
    assert table_counts(superuser_engine) == before
    assert counts["ref_communes"] == before["ref_communes"]
    assert elapsed < 15

    shutil.copytree(DATA_DIR, tmp_path / "data")
    criteria_file = tmp_path / "data" / "criteres.csv"
    criteria_file.write_text(
        criteria_file.read_text(encoding="utf-8").replace("Bénéficiaire du RSA", "Allocataire du RSA"),
        encoding="utf-8",
    )
    try:
        with app.app_context():
            api.load_all(tmp_path / "data")
            assert api.criterion("beneficiaire_rsa").label == "Allocataire du RSA"
    finally:
        with app.app_context():
            api.load_all()
    assert table_counts(superuser_engine) == before


def test_search_communes_ignores_accents_case_and_hyphens(ctx):
    assert api.search_communes("saint dizier")[0].insee == "52448"
    assert api.search_communes("SAINT-DIZIER")[0].insee == "52448"
    assert api.search_communes("evry")[0].name == "Évry"
    assert {c.insee for c in api.search_communes("oeuilly")} == {"02565", "51410"}
    assert all(fold(c.name).startswith("saint denis") for c in api.search_communes("Saint-Denis"))
    assert len(api.search_communes("saint", limit=5)) == 5
    assert api.search_communes("   ") == []


def test_search_communes_by_insee_code_or_postcode(ctx):
    assert api.search_communes("52448")[0].name == "Saint-Dizier"
    assert "52448" in {c.insee for c in api.search_communes("52100")}
    assert "93066" in {c.insee for c in api.search_communes("93210")}
    assert "2A004" in {c.insee for c in api.search_communes("2A004")}  # Ajaccio


def test_criteria_are_ordered_by_level_and_their_proof_types_exist(ctx):
    criteria = api.criteria()
    proofs = {item.code for item in api.items(ItemList.justificatif)}
    for criterion in criteria:
        assert criterion.proof_types, criterion.code
        assert set(criterion.proof_types) <= proofs, criterion.code
        assert (criterion.family == "iae") == (criterion.level in (1, 2)), criterion.code
    levels = [c.level if c.level is not None else 3 for c in criteria]
    assert levels == sorted(levels)
    level_1 = {c.code for c in criteria if c.level == 1}
    assert level_1 == {"beneficiaire_rsa", "beneficiaire_ass", "beneficiaire_aah", "detld"}
    assert sum(1 for c in criteria if c.level == 2) == 14
    assert api.criterion("suivi_plie").family == "clause"


def test_exit_motifs_derive_a_valid_category(ctx):
    motifs = api.exit_motifs()
    assert {ExitCategory(m.category) for m in motifs} == set(ExitCategory)
    assert api.exit_category("cdi_non_aide") is ExitCategory.emploi_durable
    assert api.exit_category("cdd_6_mois_et_plus") is ExitCategory.emploi_durable
    assert api.exit_category("cdd_moins_6_mois") is ExitCategory.emploi_transition
    assert api.exit_category("formation_qualifiante") is ExitCategory.sortie_positive
    assert api.exit_category("sans_nouvelle") is ExitCategory.autre_sortie
    assert api.exit_category("deces") is ExitCategory.retrait
    with pytest.raises(KeyError):
        api.exit_category("inconnu")


def test_contract_types_and_item_lists(ctx):
    families = {t.code: (t.family, t.fixed_term) for t in api.contract_types()}
    assert families["cdi"] == ("classique", False)
    assert families["cddi"] == ("insertion", True)
    assert families["contrat_mission_etti"] == ("insertion", True)
    assert families["professionnalisation"] == ("alternance", True)
    assert {family for family, _ in families.values()} == {
        "classique",
        "insertion",
        "alternance",
        "aide",
        "interim",
    }
    for item_list in ItemList:
        assert api.items(item_list), item_list
    assert api.item_label("niveau_qualification", "niveau_3") == "Niveau 3 : CAP, BEP"
    assert api.item_label(ItemList.mobilite, "nope") is None
    assert api.rome("f1703").label == "Maçonnerie"
    assert [r.code for r in api.search_rome("espaces verts")] == ["A1203"]
    assert {r.code for r in api.search_rome("F17")} >= {"F1701", "F1703", "F1705"}


# --- the IAE rule ---------------------------------------------------------------------------------


def test_one_level_1_criterion_is_enough_for_every_structure(ctx):
    for kind in ("siae_ai", "siae_etti", "siae_aci", "siae_ei", "siae_eiti", "entreprise", None):
        assert api.eligibility_satisfied(["beneficiaire_rsa"], kind), kind


def test_two_level_2_criteria_suffice_for_ai_and_etti_but_not_for_aci_ei_eiti(ctx):
    two = ["deld", "jeune_moins_26_ans"]
    assert api.eligibility_satisfied(two, "siae_ai")
    assert api.eligibility_satisfied(two, "siae_etti")
    for kind in ("siae_aci", "siae_ei", "siae_eiti"):
        assert not api.eligibility_satisfied(two, kind), kind
    assert not api.eligibility_satisfied(["deld"], "siae_ai")


def test_three_level_2_criteria_suffice_for_aci(ctx):
    assert api.eligibility_satisfied(["deld", "jeune_moins_26_ans", "resident_qpv"], "siae_aci")
    # the same criterion twice, or an unknown code, counts for nothing more
    assert not api.eligibility_satisfied(["deld", "deld", "jeune_moins_26_ans", "inconnu"], "siae_aci")
    # a clause-specific criterion is no IAE criterion
    assert not api.eligibility_satisfied(["deld", "jeune_moins_26_ans", "suivi_plie"], "siae_aci")


def test_outside_an_siae_any_one_known_criterion_is_enough(ctx):
    assert api.eligibility_satisfied(["suivi_plie"], "entreprise")
    assert api.eligibility_satisfied(["deld"], "geiq")
    assert not api.eligibility_satisfied([], "entreprise")
    assert not api.eligibility_satisfied(["inconnu"], "entreprise")


# --- imports --------------------------------------------------------------------------------------


def test_import_rome_reports_bad_lines_and_writes_good_ones(app, tmp_path, cleanup_imports):
    source = tmp_path / "rome.csv"
    source.write_text(
        "code;libelle;domaine\n"
        "A9901;Métier d'essai;Domaine d'essai\n"
        "XX;Code invalide;\n"
        "A9902;;\n"
        "a9903;Autre métier;\n"
        "A9901;Doublon;\n",
        encoding="utf-8",
    )
    with app.app_context():
        result = api.import_rome(source)
        assert (result.created, result.updated) == (2, 0)
        assert [line for line, _ in result.skipped] == [3, 4, 6]
        assert "code ROME invalide" in result.skipped[0][1]
        assert "libellé manquant" in result.skipped[1][1]
        assert "déjà lu ligne 2" in result.skipped[2][1]
        assert api.rome("A9901").domain == "Domaine d'essai"
        assert api.rome("A9903").label == "Autre métier"
        again = api.import_rome(source)
        assert (again.created, again.updated) == (0, 2)


def test_import_rome_reads_the_official_comma_separated_export(app, tmp_path, cleanup_imports):
    source = tmp_path / "unix_referentiel_code_rome.csv"
    source.write_text(
        'code_rome,code_ogr,libelle_rome\nA9904,12345,"Métier, avec virgule"\n', encoding="utf-8"
    )
    with app.app_context():
        assert api.import_rome(source).created == 1
        assert api.rome("A9904").label == "Métier, avec virgule"


def test_import_qpv_merges_communes_and_reports_bad_lines(app, tmp_path, cleanup_imports):
    source = tmp_path / "qpv.csv"
    source.write_text(
        "CODE_QP;LIB_QP;INSEE_COM\n"
        "QTEST01;Quartier d'essai;93066\n"
        "QTEST02;Quartier à cheval;93066,93001\n"
        "QTEST02;Quartier à cheval;93027\n"
        "QTEST03;Quartier fantôme;99999\n"
        "X1;Mauvais code;93066\n"
        "QTEST04;;93066\n",
        encoding="utf-8",
    )
    with app.app_context():
        result = api.import_qpv(source)
        assert (result.created, result.updated) == (2, 0)
        assert result.skipped == [
            (5, "commune inconnue « 99999 »"),
            (6, "code QPV invalide « X1 »"),
            (7, "nom du quartier manquant"),
        ]
        assert api.qpv("qtest02").communes == ["93066", "93001", "93027"]
        assert {q.code for q in api.qpv_of_commune("93066")} >= {"QTEST01", "QTEST02"}
        assert api.qpv_of_commune("52448") == []


def test_an_import_without_the_expected_columns_is_refused(app, tmp_path):
    source = tmp_path / "qpv.csv"
    source.write_text("identifiant;nom\nQTEST09;Quartier\n", encoding="utf-8")
    with app.app_context(), pytest.raises(ValidationError):
        api.import_qpv(source)


def test_cli_loads_and_reports_skipped_lines_in_french(app, tmp_path, cleanup_imports):
    runner = app.test_cli_runner()
    loaded = runner.invoke(args=["referentiels", "charger"])
    assert loaded.exit_code == 0, loaded.output
    assert "communes : 34875" in loaded.output
    source = tmp_path / "qpv.csv"
    source.write_text("code;nom;communes\nQTEST05;Quartier;52448\nQTEST06;Quartier;00000\n", encoding="utf-8")
    imported = runner.invoke(args=["referentiels", "importer-qpv", str(source)])
    assert imported.exit_code == 0, imported.output
    assert "1 ajouté(s)" in imported.output
    assert "ligne 3 : commune inconnue « 00000 »" in imported.output


# --- rights ---------------------------------------------------------------------------------------


def test_the_application_role_can_read_but_not_write_reference_tables(app_role_engine):
    with app_role_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM ref_criteria")).scalar_one() > 0
    for statement in (
        "INSERT INTO ref_criteria (code, label, family, proof_types, rank) VALUES ('x', 'x', 'clause', '{}', 0)",
        "UPDATE ref_communes SET name = 'x' WHERE insee = '79191'",
        "DELETE FROM ref_exit_motifs",
    ):
        with pytest.raises(ProgrammingError) as error, app_role_engine.begin() as conn:
            conn.execute(text(statement))
        assert isinstance(error.value.orig, InsufficientPrivilege), statement
