from installation.testing import BaseTestCase
from strategy.models import Strategy


class StrategyApiTests(BaseTestCase):
    def test_it_returns_the_strategy_with_fields_goals_and_glossary(self) -> None:
        data = self.client.get("/api/v1/strategy").json()
        self.assertEqual(data["title"], "Digitalstrategie Teststadt")
        self.assertEqual(data["glossary"][0]["term"], "Digitalisierung")
        field = data["fields_of_action"][0]
        self.assertEqual(field["title"], "Digitale Verwaltungsleistungen")
        self.assertEqual(field["goals"][0]["indicator"], "Anteil online")
        self.assertEqual(field["goals"][0]["target_value"], "100.00")

    def test_it_answers_404_with_a_message_without_a_strategy(self) -> None:
        Strategy.objects.all().delete()
        response = self.client.get("/api/v1/strategy")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json(), {"message": "No strategy has been written yet."})

    def test_unknown_field_answers_404_json(self) -> None:
        response = self.client.get("/api/v1/strategy/fields/999999")
        self.assertEqual(response.status_code, 404)
        self.assertIn("message", response.json())

    def test_invalid_path_parameter_answers_422_json(self) -> None:
        response = self.client.get("/api/v1/strategy/fields/abc")
        self.assertEqual(response.status_code, 422)
        self.assertIn("message", response.json())

    def test_openapi_document_lists_the_endpoints(self) -> None:
        paths = self.client.get("/api/v1/openapi.json").json()["paths"]
        for path in ("/api/v1/strategy", "/api/v1/municipality", "/api/v1/me"):
            self.assertIn(path, paths)
