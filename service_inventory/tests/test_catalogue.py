"""The catalogue import: the shipped files load idempotently; files of the wrong shape are refused and write nothing."""

import csv
import io
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from municipality.models import Municipality
from service_inventory.catalogue import (
    LEIKA_COLUMNS,
    LEIKA_FILE,
    OZG_COLUMNS,
    OZG_FILE,
    CatalogueError,
    import_catalogue,
    parse_catalogue,
)
from service_inventory.models import OzgService, Service
from service_inventory.testing import make_local

OZG = "ozg_id,name,lebenslage,themenfeld\n10001,Wohnsitz anmelden,Wohnen & Umzug,Bauen & Wohnen\n10002,Hund anmelden,Tierhaltung,Umwelt\n"
LEIKA = (
    "leika_key,name,leistungstyp,ozg_id,rechtsgrundlage_kurz\n"
    "99115005104000,Wohnsitz Anmeldung,2/3,10001,BMG\n"
    "99102013000000,Hundesteuer,4,10002,\n"
    "nicht im LeiKa,Hundemarke verloren,1,10002,\n"
)


def table(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


class ShippedCatalogueTests(TestCase):
    def test_it_loads_the_shipped_files_and_a_second_run_changes_nothing(self) -> None:
        out = StringIO()
        call_command("import_service_catalogue", stdout=out)
        self.assertEqual(OzgService.objects.count(), 557)
        # 5,251 rows, one of them repeated cell for cell (see service_inventory/data/README.md).
        self.assertEqual(Service.objects.count(), 5250)
        self.assertIn("5,250 services added", out.getvalue())
        self.assertEqual(Service.objects.filter(leika_key="").count(), 435)
        self.assertEqual(OzgService.objects.values("themenfeld").distinct().count(), 14)
        service = Service.objects.get(leika_key="99108001001000")
        self.assertEqual((service.name, service.ozg.ozg_id), ("Bewohnerparkausweis Erteilung", 10173))
        out = StringIO()
        call_command("import_service_catalogue", stdout=out)
        self.assertIn("0 services added, 0 updated, 5,250 unchanged", out.getvalue())
        self.assertEqual(Service.objects.count(), 5250)

    def test_it_says_how_many_services_apply_to_the_municipality(self) -> None:
        Municipality.objects.create(name="Beispielstadt", kind="Stadt", state="Nordrhein-Westfalen")
        out = StringIO()
        call_command("import_service_catalogue", stdout=out)
        self.assertIn("2,182 of 5,250 services apply to Beispielstadt (Stadt, Nordrhein-Westfalen)", out.getvalue())
        self.assertEqual(Service.objects.get(leika_key="99115005104000").scope, "municipal")

    def test_the_files_keep_their_attribution(self) -> None:
        readme = (OZG_FILE.parent / "README.md").read_text()
        self.assertIn("KDN", readme)
        self.assertTrue(LEIKA_FILE.is_file())


class CatalogueImportTests(TestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_it_updates_changed_rows_and_keeps_the_municipalitys_data(self) -> None:
        import_catalogue(parse_catalogue(OZG.encode(), LEIKA.encode()))
        service = Service.objects.get(leika_key="99102013000000")
        make_local(service=service, level=1, online_url="https://example.org/hund", cases_per_year=300)
        renamed = LEIKA.replace("Hundesteuer,4", "Hundesteuer (Anmeldung),4").replace(
            "99115005104000,Wohnsitz Anmeldung,2/3,10001,BMG\n", ""
        )
        result = import_catalogue(parse_catalogue(OZG.encode(), renamed.encode()))
        self.assertEqual((result.created, result.updated, result.not_in_file), (0, 1, 1))
        service.refresh_from_db()
        self.assertEqual(service.name, "Hundesteuer (Anmeldung)")
        self.assertEqual(service.local.cases_per_year, 300)
        self.assertEqual(Service.objects.count(), 3)  # nothing is deleted

    def assert_refused(self, ozg: bytes, leika: bytes, *expected: str) -> None:
        with self.assertRaises(CatalogueError) as caught:
            parse_catalogue(ozg, leika)
        text = "\n".join(caught.exception.problems)
        for part in expected:
            self.assertIn(part, text)

    def test_missing_columns_are_refused(self) -> None:
        self.assert_refused(b"ozg_id,name,themenfeld\n1,x,y\n", LEIKA.encode(), "line 1", "lebenslage")

    def test_bad_keys_are_refused_with_the_line(self) -> None:
        leika = LEIKA.replace("99102013000000", "9910-2013")
        self.assert_refused(OZG.encode(), leika.encode(), "leika-leistungen.csv, line 3", "9910-2013")
        self.assert_refused(OZG.replace("10002", "zehn").encode(), LEIKA.encode(), "line 3", "not an OZG id")
        self.assert_refused(OZG.encode(), LEIKA.replace(",10002,\n", ",77777,\n").encode(), "77777")

    def test_duplicates_are_refused(self) -> None:
        self.assert_refused(
            (OZG + "10001,Noch einmal,Wohnen & Umzug,Bauen & Wohnen\n").encode(),
            LEIKA.encode(),
            "line 4",
            "already on line 2",
        )
        self.assert_refused(
            OZG.encode(), (LEIKA + "99102013000000,Hundesteuer doppelt,4,10002,\n").encode(), "line 5", "line 3"
        )
        conflicting = LEIKA + "nicht im LeiKa,Hundemarke verloren,2/3,10002,\n"
        self.assert_refused(OZG.encode(), conflicting.encode(), "line 5", "already on line 4")

    def test_an_identical_repeat_without_leika_key_is_read_once(self) -> None:
        catalogue = parse_catalogue(OZG.encode(), (LEIKA + "nicht im LeiKa,Hundemarke verloren,1,10002,\n").encode())
        self.assertEqual((len(catalogue.leika), catalogue.repeated), (3, 1))

    def test_wrong_encoding_is_refused_with_the_line(self) -> None:
        self.assert_refused(OZG.encode(), LEIKA.replace("Hundemarke", "Hundemärke").encode("cp1252"), "line 4", "UTF-8")

    def test_empty_and_ragged_files_are_refused(self) -> None:
        self.assert_refused(b"", LEIKA.encode(), "empty")
        self.assert_refused(OZG.encode(), b"leika_key,name,leistungstyp,ozg_id,rechtsgrundlage_kurz\n", "no rows")
        self.assert_refused(OZG.encode(), LEIKA.replace("BMG\n", "BMG,extra\n").encode(), "line 2", "6 cells")

    def test_the_command_refuses_a_bad_file_and_writes_nothing(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            ozg, leika = Path(folder) / "ozg.csv", Path(folder) / "leika.csv"
            ozg.write_text(OZG)
            leika.write_text(LEIKA + "99102013000000,Hundesteuer doppelt,4,10002,\n")
            with self.assertRaisesMessage(CommandError, "nothing was written"):
                call_command("import_service_catalogue", ozg=ozg, leika=leika)
            self.assertEqual((OzgService.objects.count(), Service.objects.count()), (0, 0))
            leika.write_text(LEIKA)
            call_command("import_service_catalogue", ozg=ozg, leika=leika, stdout=StringIO())
            self.assertEqual(Service.objects.count(), 3)
            with self.assertRaisesMessage(CommandError, "There is no file"):
                call_command("import_service_catalogue", ozg=Path(folder) / "missing.csv", leika=leika)

    def test_a_failure_while_writing_rolls_everything_back(self) -> None:
        catalogue = parse_catalogue(OZG.encode(), LEIKA.encode())
        catalogue.leika.append(catalogue.leika[0])  # a duplicate key reaching the database
        with self.assertRaises(Exception):  # noqa: B017 - whichever integrity error the database raises
            import_catalogue(catalogue)
        self.assertEqual((OzgService.objects.count(), Service.objects.count()), (0, 0))


FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
cell_text = st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00\r"), max_size=30)


class CatalogueFuzzTests(HypothesisTestCase):
    """Whatever arrives, the parser answers with a catalogue or line-numbered problems and never crashes."""

    def assert_parsed_or_refused(self, ozg: bytes, leika: bytes) -> None:
        try:
            catalogue = parse_catalogue(ozg, leika)
        except CatalogueError as error:
            self.assertTrue(error.problems)
            self.assertTrue(all(isinstance(p, str) and p for p in error.problems))
            return
        ozg_ids = {row.ozg_id for row in catalogue.ozg}
        self.assertEqual(len(ozg_ids), len(catalogue.ozg))
        self.assertEqual(len({row.key for row in catalogue.leika}), len(catalogue.leika))
        for row in catalogue.leika:
            self.assertTrue(row.name)
            self.assertTrue(row.ozg_id is None or row.ozg_id in ozg_ids)
            self.assertLessEqual(len(row.key), 40)

    @FUZZ
    @given(st.binary(max_size=1500), st.binary(max_size=1500))
    def test_arbitrary_bytes_never_crash(self, ozg: bytes, leika: bytes) -> None:
        self.assert_parsed_or_refused(ozg, leika)

    @FUZZ
    @given(
        st.lists(st.lists(cell_text, min_size=4, max_size=5), max_size=8),
        st.lists(st.lists(cell_text, min_size=4, max_size=6), max_size=8),
    )
    def test_arbitrary_rows_under_valid_headers_never_crash(self, ozg_rows: list, leika_rows: list) -> None:
        self.assert_parsed_or_refused(table(OZG_COLUMNS, ozg_rows), table(LEIKA_COLUMNS, leika_rows))

    @FUZZ
    @given(
        st.lists(
            st.tuples(st.integers(1, 10**9 - 1), cell_text.filter(str.strip), cell_text, cell_text.filter(str.strip)),
            min_size=1,
            max_size=6,
            unique_by=lambda row: row[0],
        ),
        st.data(),
    )
    def test_well_formed_files_come_back_intact(self, ozg_rows: list, data) -> None:
        ids = [row[0] for row in ozg_rows]
        keys = data.draw(st.lists(st.integers(1, 10**14 - 1), min_size=1, max_size=6, unique=True))
        leika_rows = [[str(key), f"Leistung {key}", "2/3", str(data.draw(st.sampled_from(ids))), ""] for key in keys]
        catalogue = parse_catalogue(
            table(OZG_COLUMNS, [[str(i), n, situation, t] for i, n, situation, t in ozg_rows]),
            table(LEIKA_COLUMNS, leika_rows),
        )
        self.assertEqual([row.ozg_id for row in catalogue.ozg], ids)
        self.assertEqual([row.name for row in catalogue.ozg], [r[1].strip() for r in ozg_rows])
        self.assertEqual([row.leika_key for row in catalogue.leika], [str(k) for k in keys])


class GermanProblemsTests(TestCase):
    def test_problems_are_told_in_german(self) -> None:
        with translation.override("de"), self.assertRaises(CatalogueError) as caught:
            parse_catalogue(OZG.encode(), LEIKA.replace("99102013000000", "x").encode())
        self.assertIn("leika-leistungen.csv, Zeile 3: „x“ ist weder ein LeiKa-Schlüssel", caught.exception.problems[0])
