"""The options of the edit and delete helpers (`core/editing.py`) that the apps' views lean on."""

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.test import RequestFactory
from django.urls import reverse
from django.utils.translation import gettext_lazy

from core.editing import confirm_delete_view, edit_views, save_form_view
from installation.testing import BaseTestCase
from strategy.forms import GlossaryEntryForm
from strategy.models import GlossaryEntry, Strategy


class EntryForm(forms.ModelForm):
    class Meta:
        model = GlossaryEntry
        fields = ["term", "definition"]


class Refused(Exception):
    pass


def _request(method: str = "get", data: dict | None = None) -> HttpRequest:
    request = getattr(RequestFactory(), method)("/", data or {})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _said(request: HttpRequest) -> list[tuple[str, str]]:
    return [(message.level_tag, str(message)) for message in get_messages(request)]


class SaveFormViewTests(BaseTestCase):
    def _form(self, request: HttpRequest) -> EntryForm:
        return EntryForm(request.POST or None, instance=GlossaryEntry(strategy=self.strategy, position=9))

    def test_a_save_function_names_and_leads_to_what_it_returns(self) -> None:
        request = _request("post", {"term": "Gemeinwohl", "definition": "Was allen nützt."})
        form = self._form(request)

        def save() -> GlossaryEntry:
            form.save()
            return self.term

        response = save_form_view(
            request, form=form, title="T", cancel_url="/back/", save=save, success_url=lambda obj: f"/at/{obj.pk}/"
        )
        self.assertEqual((response.status_code, response["Location"]), (302, f"/at/{self.term.pk}/"))
        self.assertEqual(_said(request), [("success", "„Digitalisierung“ wurde gespeichert.")])
        self.assertTrue(GlossaryEntry.objects.filter(term="Gemeinwohl").exists())

    def test_a_refusal_writes_nothing_and_shows_on_the_form_with_its_status(self) -> None:
        request = _request("post", {"term": "Gemeinwohl", "definition": "Was allen nützt."})
        form = self._form(request)

        def save() -> None:
            form.save()
            raise Refused("Nicht jetzt.")

        response = save_form_view(
            request,
            form=form,
            title="Begriff",
            cancel_url="/back/",
            save=save,
            refused=Refused,
            refused_field="term",
            invalid_status=400,
            context={"extra": "da"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(form.errors["term"], ["Nicht jetzt."])
        self.assertFalse(GlossaryEntry.objects.filter(term="Gemeinwohl").exists())
        self.assertEqual(_said(request), [])

    def test_a_refusal_as_a_message_redirects_where_a_save_would(self) -> None:
        request = _request("post", {"term": "Gemeinwohl", "definition": "Was allen nützt."})

        def save() -> None:
            raise Refused("Nicht jetzt.")

        response = save_form_view(
            request,
            form=self._form(request),
            title="T",
            cancel_url="/back/",
            success_url="/list/#questions",
            save=save,
            refused=Refused,
            refusal_as_message=True,
        )
        self.assertEqual(response["Location"], "/list/#questions")
        self.assertEqual(_said(request), [("error", "Nicht jetzt.")])

    def test_its_own_message_replaces_was_saved(self) -> None:
        request = _request("post", {"term": "Gemeinwohl", "definition": "Was allen nützt."})
        save_form_view(request, form=self._form(request), title="T", cancel_url="/", message="Fertig.")
        self.assertEqual(_said(request), [("success", "Fertig.")])

    def test_a_get_shows_the_form_with_the_added_context(self) -> None:
        request = _request()
        request.user = self.team
        response = save_form_view(
            request,
            form=self._form(request),
            title="Begriff",
            cancel_url="/back/",
            template="surveys/question_form.html",
            context={"survey": {"title": "Umfrage"}},
            invalid_status=400,
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<a class="kern-link" href="/back/">← Umfrage</a>', html=True)


class ConfirmDeleteViewTests(BaseTestCase):
    def test_cancel_goes_back_to_the_object_unless_told(self) -> None:
        request = _request()
        request.user = self.team
        response = confirm_delete_view(request, obj=self.term, success_url="/")
        self.assertContains(response, f'href="{self.term.get_absolute_url()}"')

    def test_a_delete_function_and_message_stand_for_the_default(self) -> None:
        request = _request("post")
        deleted = []
        response = confirm_delete_view(
            request, obj=self.term, success_url="/list/", delete=lambda: deleted.append(1), message="Weg."
        )
        self.assertEqual((response["Location"], deleted), ("/list/", [1]))
        self.assertEqual(_said(request), [("success", "Weg.")])
        self.assertTrue(GlossaryEntry.objects.filter(pk=self.term.pk).exists())

    def test_a_refusal_deletes_nothing_and_is_said(self) -> None:
        request = _request("post")

        pk = self.term.pk

        def delete() -> None:
            self.term.delete()
            raise Refused("Bleibt.")

        response = confirm_delete_view(request, obj=self.term, success_url="/list/", delete=delete, refused=Refused)
        self.assertEqual(response["Location"], "/list/")
        self.assertEqual(_said(request), [("error", "Bleibt.")])
        self.assertTrue(GlossaryEntry.objects.filter(pk=pk).exists())


edit, delete = edit_views(
    GlossaryEntry,
    GlossaryEntryForm,
    allowed=lambda user: user.is_strategy_team,
    new_title=gettext_lazy("New glossary entry"),
    edit_title=gettext_lazy("Edit glossary entry"),
    list_url="strategy:detail",
    form_kwargs=lambda entry: {"strategy": entry.strategy if entry else Strategy.objects.current()},
    consequences=lambda entry: f"„{entry.term}“ verschwindet.",
)


class EditViewsTests(BaseTestCase):
    def _get(self, view, user, **kwargs):
        request = _request()
        request.user = user
        return view(request, **kwargs)

    def test_the_edit_view_titles_and_cancels_by_new_or_existing(self) -> None:
        new = self._get(edit, self.team)
        self.assertContains(new, "Neuer Glossareintrag")
        self.assertContains(new, f'href="{reverse("strategy:detail")}"')
        existing = self._get(edit, self.team, pk=self.term.pk)
        self.assertContains(existing, "Glossareintrag bearbeiten")
        self.assertContains(existing, f'href="{self.term.get_absolute_url()}"')

    def test_only_the_people_allowed_may(self) -> None:
        with self.assertRaises(PermissionDenied):
            self._get(edit, self.staff)
        with self.assertRaises(PermissionDenied):
            self._get(delete, self.staff, pk=self.term.pk)

    def test_the_delete_view_quotes_the_name_in_the_readers_language(self) -> None:
        """The quotation marks come from the catalogue: „…“ in German, “…” in English."""
        from django.utils.translation import gettext

        self.assertContains(
            self._get(delete, self.team, pk=self.term.pk),
            f'<span class="kern-title">{gettext("“%(name)s”") % {"name": "Digitalisierung"}}</span>',
        )

    def test_the_delete_view_says_the_consequences_and_goes_to_the_list(self) -> None:
        self.assertContains(self._get(delete, self.team, pk=self.term.pk), "„Digitalisierung“ verschwindet.")
        request = _request("post")
        request.user = self.team
        response = delete(request, pk=self.term.pk)
        self.assertEqual(response["Location"], reverse("strategy:detail"))
        self.assertFalse(GlossaryEntry.objects.filter(pk=self.term.pk).exists())
