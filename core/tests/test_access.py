"""One way to refuse (core.access.require): a page answers with the 403 page in the frame, an API
operation with 403 and the API's JSON message, as each app's own copy of the helper did."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import ApiToken
from core.access import require
from installation.testing import BaseTestCase


class RequireTests(BaseTestCase):
    def test_it_lets_through_what_is_allowed(self) -> None:
        self.assertIsNone(require(True))

    def test_it_refuses_what_is_not(self) -> None:
        with self.assertRaises(PermissionDenied):
            require(False)

    def test_a_page_answers_with_the_403_page_in_the_frame(self) -> None:
        self.login(self.citizen)
        response = self.client.get(reverse("participation:stakeholders"))
        self.assertContains(response, "Kein Zugriff auf diese Seite", status_code=403)
        self.assertTemplateUsed(response, "core/error.html")

    def test_an_api_operation_answers_with_the_json_message(self) -> None:
        _token, key = ApiToken.issue(user=self.staff, name="test")
        response = self.client.post(
            "/api/v1/stakeholders",
            {"name": "Neu"},
            headers={"authorization": f"Bearer {key}"},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json(), {"message": "You may not do this."})
