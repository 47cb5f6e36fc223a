"""The shape every create/edit/delete screen shares: form → save → message → redirect."""

from django import forms
from django.contrib import messages
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _


def save_form_view(
    request: HttpRequest,
    *,
    form: forms.ModelForm,
    title: str,
    cancel_url: str,
    success_url: str | None = None,
    template: str = "core/form_page.html",
) -> HttpResponse:
    """Render a model form page; on a valid POST save atomically and redirect."""
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            obj = form.save()
        messages.success(request, _("“%(object)s” was saved.") % {"object": obj})
        return redirect(success_url or obj.get_absolute_url())
    return render(request, template, {"form": form, "title": title, "cancel_url": cancel_url})


def confirm_delete_view(
    request: HttpRequest, *, obj: models.Model, cancel_url: str, success_url: str, consequences: str = ""
) -> HttpResponse:
    """GET asks for confirmation; POST deletes and redirects."""
    if request.method == "POST":
        label = str(obj)
        with transaction.atomic():
            obj.delete()
        messages.success(request, _("“%(object)s” was deleted.") % {"object": label})
        return redirect(success_url)
    return render(
        request,
        "core/confirm_delete.html",
        {"object": obj, "cancel_url": cancel_url, "consequences": consequences},
    )
