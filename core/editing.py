"""The shape every create/edit/delete screen shares: form → save → message → redirect."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.access import require

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise as Text  # a text, or a lazy one translated when shown
else:
    Text = str

View = Callable[..., HttpResponse]
Refused = type[Exception] | tuple[type[Exception], ...]


def save_form_view(
    request: HttpRequest,
    *,
    form: forms.ModelForm,
    title: Text,
    cancel_url: str,
    success_url: str | Callable[[Any], str] | None = None,
    template: str = "core/form_page.html",
    context: dict[str, Any] | None = None,
    save: Callable[[], Any] | None = None,
    refused: Refused = (),
    refused_field: str | None = None,
    refusal_as_message: bool = False,
    invalid_status: int = 200,
    message: Text | None = None,
) -> HttpResponse:
    """Render a model form page; on a valid POST save atomically, say so and redirect.

    `save` stands for `form.save` where a service saves the form by its rules; it returns the
    object the message names and the redirect goes to: `success_url` (a URL, or a function of
    that object, for an object that has no pk before it is saved), else the object's own page.
    `message` replaces "“…” was saved.". An error of the kinds `refused` writes nothing: it is
    shown on the form (at `refused_field`, else above the fields), or with `refusal_as_message`
    said as an error message after the same redirect. A page shown again after a POST has the
    status `invalid_status`; `context` adds to what the template gets."""
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                obj = (save or form.save)()
        except refused as error:
            if not refusal_as_message:
                form.add_error(refused_field, str(error))
            else:
                messages.error(request, str(error))
                return redirect(_success_url(success_url, form.instance))
        else:
            messages.success(request, message or _("“%(object)s” was saved.") % {"object": obj})
            return redirect(_success_url(success_url, obj))
    status = invalid_status if request.method == "POST" else 200
    page = {"form": form, "title": title, "cancel_url": cancel_url, **(context or {})}
    return render(request, template, page, status=status)


def _success_url(success_url: str | Callable[[Any], str] | None, obj: Any) -> str:
    if callable(success_url):
        return success_url(obj)
    return success_url or obj.get_absolute_url()


def confirm_delete_view(
    request: HttpRequest,
    *,
    obj: models.Model,
    success_url: str,
    cancel_url: str | None = None,
    consequences: Text = "",
    delete: Callable[[], object] | None = None,
    refused: Refused = (),
    message: Text | None = None,
) -> HttpResponse:
    """GET asks for confirmation (Cancel goes back to `cancel_url`, else the object's own page);
    POST deletes atomically, says so and redirects to `success_url`.

    `delete` stands for `obj.delete` where a service deletes by its rules; `message` replaces
    "“…” was deleted.". An error of the kinds `refused` deletes nothing and is said as an error
    message after the same redirect."""
    if request.method == "POST":
        label = str(obj)
        try:
            with transaction.atomic():
                (delete or obj.delete)()
        except refused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, message or _("“%(object)s” was deleted.") % {"object": label})
        return redirect(success_url)
    return render(
        request,
        "core/confirm_delete.html",
        {
            "object": obj,
            "cancel_url": cancel_url or obj.get_absolute_url(),  # type: ignore[attr-defined]
            "consequences": consequences,
        },
    )


def edit_views(
    model: type[models.Model],
    form_class: type[forms.ModelForm],
    *,
    allowed: Callable[[Any], bool],
    new_title: Text,
    edit_title: Text,
    list_url: str,
    form_kwargs: Callable[[Any], dict[str, Any]] | None = None,
    consequences: Text | Callable[[Any], Text] = "",
) -> tuple[View, View]:
    """The edit view (`pk`; without it a new object) and the delete view (`pk`) of a kind of object
    edited as it is, for the people `allowed` (others are refused with 403).

    `list_url` (a URL name) is where a new object's Cancel and a deletion go; an existing object's
    Cancel goes to its own page. `form_kwargs(obj or None)` adds to the form's arguments;
    `consequences` as in `delete_view`."""

    @login_required
    def edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
        require(allowed(request.user))
        obj = get_object_or_404(model, pk=pk) if pk else None
        form = form_class(request.POST or None, instance=obj, **(form_kwargs(obj) if form_kwargs else {}))
        return save_form_view(
            request,
            form=form,
            title=edit_title if obj else new_title,
            cancel_url=obj.get_absolute_url() if obj else reverse(list_url),  # type: ignore[attr-defined]
        )

    delete = delete_view(
        lambda user, pk: get_object_or_404(model, pk=pk),
        allowed=allowed,
        list_url=list_url,
        consequences=consequences,
    )
    return edit, delete


def delete_view(
    access: Callable[[Any, int], models.Model],
    *,
    allowed: Callable[[Any], bool],
    list_url: str,
    consequences: Text | Callable[[Any], Text] = "",
) -> View:
    """The delete view (`pk`) of a kind of object, for the people `allowed` (others are refused
    with 403): `access(user, pk)` finds the object (or refuses), Cancel goes back to it and a
    deletion to `list_url` (a URL name). `consequences` (a text, or a function of the object)
    says what the deletion takes with it."""

    @login_required
    def delete(request: HttpRequest, pk: int) -> HttpResponse:
        require(allowed(request.user))
        obj = access(request.user, pk)
        said = consequences(obj) if callable(consequences) else consequences
        return confirm_delete_view(request, obj=obj, success_url=reverse(list_url), consequences=said)

    return delete
