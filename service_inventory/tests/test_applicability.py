"""Which services apply to a municipality, and the search with citizens' words – on the real catalogue."""

import csv
import io

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import ApiToken
from installation.testing import BaseTestCase
from municipality.models import Municipality
from service_inventory.applicability import Scope, classify, scopes_for
from service_inventory.catalogue import import_catalogue, read_catalogue
from service_inventory.models import Service
from service_inventory.search import search_services, synonyms
from service_inventory.testing import make_local, make_ozg, make_service


def municipality(kind: str, state: str) -> Municipality:
    return Municipality(name="Beispiel", kind=kind, state=state)


class ClassifyTests(TestCase):
    def test_it_reads_who_carries_a_service_out_from_type_legal_basis_and_name(self) -> None:
        cases = [
            (("99115005104000", "Wohnsitz Anmeldung", "2/3", "BMG"), ("municipal", "")),
            (("99102013000000", "Hundesteuer", "4", ""), ("open", "")),
            (("99001001000000", "Abfallgebühr", "5", ""), ("municipal", "")),
            (("99023001036003", "Führerschein Ersatz wegen Verlust", "2/3", "FeV"), ("district", "")),
            (("99114036000000", "Anmeldung beim Versorgungswerk für Rechtsanwälte", "4", ""), ("body", "")),
            (("99082010000000", "Aufnahme in die Rechtsanwaltskammer", "2/3", "BRAO, EuRAG"), ("body", "")),
            (("99046029000000", "Abdrucke aus dem Schuldnerverzeichnis", "2/3", "ZPO"), ("state", "")),
            (("", "Alkopopsteuer - Steuererhebung", "1", ""), ("federal", "")),
            (
                ("", "Antrag zur Ausübung der Elektrofischerei gemäß der Landesfischereiordnung RLP", "4", ""),
                ("open", "RP"),
            ),
            (("", "Gemeinsames Tarifregister Berlin und Brandenburg", "2/3", ""), ("open", "BE BB")),
            (("", "Förderung nach dem BayKiBiG", "4", ""), ("open", "BY")),
            (("99018025000000", "Approbation Erteilung Ärztin oder Arzt", "2/3", ""), ("state", "")),
            (("99010001000000", "Aufenthaltserlaubnis Erteilung zur Studienbewerbung", "2/3", ""), ("district", "")),
            (("", "Niedersächsische Förderung", "4", ""), ("open", "NI")),
            (("", "Elektrofischereischein", "4", ""), ("unknown", "")),  # a state's own entry, state not named
            (("3233", "Test 4", "44", ""), ("unknown", "")),
        ]
        for (key, name, typ, law), expected in cases:
            self.assertEqual(classify(leika_key=key, name=name, leistungstyp=typ, legal_basis=law), expected, name)

    def test_a_district_free_city_takes_on_the_district_and_a_city_state_the_state(self) -> None:
        self.assertEqual(scopes_for(kind="Stadt", state="Nordrhein-Westfalen"), ["municipal", "open"])
        self.assertEqual(scopes_for(kind="Kreisfreie Stadt", state="Bayern"), ["municipal", "open", "district"])
        self.assertIn("state", scopes_for(kind="Kreisfreie Stadt", state="Hamburg"))
        # Kind not recorded: nothing is hidden by a guess.
        self.assertIn("district", scopes_for(kind="", state="Hessen"))


class RealCatalogueTests(TestCase):
    """The numbers docs/services.md gives, from the shipped files."""

    @classmethod
    def setUpTestData(cls) -> None:
        import_catalogue(read_catalogue())

    def count(self, kind: str, state: str) -> int:
        return Service.objects.applicable(municipality(kind, state)).count()

    def test_a_town_in_north_rhine_westphalia_gets_its_services_and_no_other_states(self) -> None:
        town = municipality("Stadt", "Nordrhein-Westfalen")
        services = Service.objects.applicable(town)
        self.assertEqual(Service.objects.count(), 5250)
        self.assertEqual(services.count(), 2182)
        names = set(services.values_list("name", flat=True))
        self.assertFalse([n for n in names if "RLP" in n or "Rheinland-Pfalz" in n or "rheinland-pfälz" in n])
        self.assertNotIn(
            "Antrag zur Ausübung der Elektrofischerei gemäß §§ 12 bis 16 der Landesfischereiordnung RLP", names
        )
        self.assertNotIn("Anmeldung beim Versorgungswerk für Rechtsanwälte", names)
        self.assertFalse(services.filter(scope__in=[Scope.BODY, Scope.FEDERAL, Scope.STATE, Scope.DISTRICT]).exists())
        self.assertIn("Wohnsitz Anmeldung", names)
        self.assertIn("Personalausweis Ausstellung", names)
        self.assertIn(
            "Antrag gemäß § 57 Abs. 2 LWG NRW für den Bau, Betrieb und/oder die wesentliche Änderung einer Kläranlage",
            names,
        )

    def test_numbers_per_kind_and_state(self) -> None:
        self.assertEqual(self.count("Kreisfreie Stadt", "Nordrhein-Westfalen"), 3049)
        self.assertEqual(self.count("Kreisangehörige Gemeinde", "Rheinland-Pfalz"), 2184)
        self.assertEqual(self.count("Große Kreisstadt", "Sachsen"), 2179)
        self.assertEqual(self.count("Stadtkreis", "Baden-Württemberg"), 3046)
        self.assertEqual(self.count("Kreisfreie Stadt", "Berlin"), 3719)
        self.assertEqual(self.count("", ""), 3046)

    def test_a_service_the_municipality_provides_always_counts(self) -> None:
        town = municipality("Stadt", "Nordrhein-Westfalen")
        licence = Service.objects.get(leika_key="99023001036003")  # Führerschein Ersatz wegen Verlust (district)
        self.assertFalse(Service.objects.applicable(town).filter(pk=licence.pk).exists())
        make_local(service=licence)
        self.assertTrue(Service.objects.applicable(town).filter(pk=licence.pk).exists())

    def search(self, query: str, kind: str = "Kreisfreie Stadt") -> list[str]:
        found, _searched = search_services(Service.objects.applicable(municipality(kind, "Nordrhein-Westfalen")), query)
        return list(found.order_by("relevance", "name", "pk").values_list("name", flat=True))

    def test_citizens_words_find_the_right_service_first(self) -> None:
        moving = self.search("ummelden")
        self.assertEqual(moving[0], "Wohnsitz")
        self.assertIn("Wohnsitz Anmeldung", moving[:8])
        self.assertIn("Gewerbe Ummeldung", moving)
        # The typed word itself comes before the listed word further on in a name.
        self.assertLess(
            moving.index("Gewerbe Ummeldung"),
            moving.index("Personalausweis Ausstellung für Deutsche mit Wohnsitz außerhalb Deutschland"),
        )
        self.assertEqual(self.search("Perso")[0], "Personalausweis")
        self.assertEqual(self.search("Führerschein verloren"), ["Führerschein Ersatz wegen Verlust"])
        self.assertEqual(self.search("Personalausweis gestohlen")[0], "Personalausweis Ausstellung neu wegen Diebstahl")
        self.assertIn("Wohnsitz Anmeldung", self.search("umziehen", kind="Stadt"))
        self.assertEqual(self.search("99115005104000"), ["Wohnsitz Anmeldung"])

    def test_every_word_of_the_list_points_to_words_of_the_catalogue(self) -> None:
        texts = list(Service.objects.values_list("search_text", flat=True))
        for word, targets in synonyms().items():
            for target in targets:
                self.assertTrue(any(f" {target} " in text for text in texts), f"{word} → {target}")


class PagesTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.municipality.kind = "Stadt"
        cls.municipality.save()
        topic = make_ozg(themenfeld="Querschnitt")
        cls.register = make_service(ozg=topic, name="Wohnsitz Anmeldung", legal_basis="BMG")
        cls.fishing = make_service(
            ozg=topic, name="Elektrofischerei nach der Landesfischereiordnung RLP", leika_key="", leistungstyp="4"
        )
        cls.lawyers = make_service(ozg=topic, name="Anmeldung beim Versorgungswerk für Rechtsanwälte", leistungstyp="4")
        cls.card = make_service(ozg=topic, name="Personalausweis Ausstellung", legal_basis="PAuswG")
        cls.licence = make_service(ozg=topic, name="Führerschein Ersatz wegen Verlust", legal_basis="FeV")
        cls.offline = make_service(ozg=topic, name="Hundesteuer Festsetzung")
        cls.dropped = make_service(ozg=topic, name="Hundesteuer Befreiung")
        make_local(service=cls.register, level=3, online_url="https://example.org/melden")
        make_local(service=cls.card, level=1, online_url="https://example.org/ausweis")
        make_local(service=cls.offline, level=0)
        make_local(service=cls.dropped, provided=False, level=3, online_url="https://example.org/hund")
        # The other state's entry, marked online by mistake, is still not shown publicly unless provided.
        make_local(service=cls.fishing, provided=False, level=2, online_url="https://example.org/fisch")

    def names(self, response) -> list[str]:
        return [s.name for s in response.context["page"].object_list]

    def test_the_public_list_shows_only_what_we_provide_and_have_online(self) -> None:
        response = self.client.get(reverse("services:online"))
        self.assertEqual(self.names(response), ["Personalausweis Ausstellung", "Wohnsitz Anmeldung"])
        self.assertContains(response, "https://example.org/melden")
        self.assertNotContains(response, "Elektrofischerei")
        self.assertNotContains(response, "Hundesteuer")
        # Only topics that have online services: no filter that can only find nothing.
        self.assertEqual(
            response.context["form"].fields["themenfeld"].choices, [("", "alle"), ("Querschnitt", "Querschnitt")]
        )

    def test_the_public_search_knows_citizens_words(self) -> None:
        for query, expected in [("ummelden", ["Wohnsitz Anmeldung"]), ("Perso", ["Personalausweis Ausstellung"])]:
            response = self.client.get(reverse("services:online"), {"q": query})
            self.assertEqual(self.names(response), expected, query)
        response = self.client.get(reverse("services:online"), {"q": "Führerschein verloren"})
        self.assertEqual(self.names(response), [])
        self.assertContains(response, "Kreis")  # says who else may be responsible

    def test_the_inventory_shows_our_services_and_all_on_request(self) -> None:
        self.login(self.team)
        response = self.client.get(reverse("services:list"))
        names = self.names(response)
        self.assertIn("Wohnsitz Anmeldung", names)
        self.assertNotIn(self.fishing.name, names)
        self.assertNotIn(self.lawyers.name, names)
        self.assertNotIn(self.licence.name, names)  # the district's, for a town in a district
        response = self.client.get(reverse("services:list"), {"catalogue": "all"})
        self.assertIn(self.fishing.name, self.names(response))
        self.assertIn(self.lawyers.name, self.names(response))
        response = self.client.get(reverse("services:list"), {"q": "Führerschein verloren"})
        self.assertEqual(self.names(response), [])
        self.assertContains(response, "In allen Leistungen des Katalogs suchen")
        response = self.client.get(reverse("services:list"), {"catalogue": "all", "q": "Führerschein verloren"})
        self.assertEqual(self.names(response), [self.licence.name])
        response = self.client.get(reverse("services:list"), {"catalogue": "all", "scope": "body"})
        self.assertEqual(self.names(response), [self.lawyers.name])

    def test_the_export_follows_the_list_and_says_who_carries_a_service_out(self) -> None:
        self.login(self.team)
        response = self.client.get(reverse("services:export_csv"))
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        names = [row[1] for row in rows[1:]]
        self.assertIn("Wohnsitz Anmeldung", names)
        self.assertNotIn(self.fishing.name, names)
        self.assertEqual(rows[0][8:10], ["Vollzug durch", "Bundesländer"])
        response = self.client.get(reverse("services:export_csv"), {"catalogue": "all", "q": "Elektrofischerei"})
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        self.assertEqual(rows[1][8:10], ["Land oder Kommune", "Rheinland-Pfalz"])

    def test_the_detail_page_says_who_carries_the_service_out(self) -> None:
        self.login(self.team)
        response = self.client.get(reverse("services:detail", args=[self.licence.pk]))
        self.assertContains(response, "Kreis und kreisfreie Stadt")
        self.assertContains(response, "Bund regelt, Vollzug durch Land oder Kommunen")
        self.assertContains(response, "nein, nicht nach den Angaben des Katalogs")

    def test_the_api_lists_our_services_and_all_on_request(self) -> None:
        headers = {"Authorization": f"Bearer {ApiToken.issue(user=self.staff, name='test')[1]}"}
        response = self.client.get("/api/v1/services", {"q": "ummelden"}, headers=headers)
        self.assertEqual([item["name"] for item in response.json()["items"]], ["Wohnsitz Anmeldung"])
        response = self.client.get("/api/v1/services", headers=headers)
        self.assertNotIn(self.fishing.name, [item["name"] for item in response.json()["items"]])
        response = self.client.get("/api/v1/services", {"all": "true", "q": "Elektrofischerei"}, headers=headers)
        self.assertEqual([(item["scope"], item["states"]) for item in response.json()["items"]], [("open", ["RP"])])

    def test_queries_do_not_grow_with_rows_when_searching(self) -> None:
        self.login(self.team)
        inventory = reverse("services:list") + "?q=Wohnsitz+anmelden"
        public = reverse("services:online") + "?q=ummelden"
        few = {}
        for url in (inventory, public):
            self.client.get(url)
            with CaptureQueriesContext(connection) as queries:
                self.client.get(url)
            few[url] = len(queries)
        for i in range(30):
            service = make_service(name=f"Wohnsitz Anmeldung Variante {i}", legal_basis="BMG")
            make_local(service=service, level=3, online_url="https://example.org/x")
        for url in (inventory, public):
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(url)
            self.assertEqual(response.context["page"].paginator.count, 31)
            self.assertEqual(len(queries), few[url], url)
