from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.access import require
from core.editing import save_form_view
from core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from municipality import register
from municipality.forms import ChooseMunicipalityForm, LegalPageForm, RegisterSearchForm, StatementForm
from municipality.golive import golive_checklist
from municipality.legal import placeholders
from municipality.models import LegalPage, Municipality
from municipality.permissions import can_configure_municipality, can_edit_legal_pages
from municipality.services import municipality_set_from_register


@login_required
def configure(request: HtmxHttpRequest) -> HttpResponse:
    require(can_configure_municipality(request.user))
    municipality = Municipality.objects.current()
    posted = request.POST if request.method == "POST" else None
    saving_statement = posted is not None and "save_statement" in posted
    statement_form = (
        StatementForm(posted if saving_statement else None, instance=municipality) if municipality else None
    )
    if saving_statement:
        if statement_form is None:
            messages.error(request, _("Choose the municipality first."))
            return redirect("municipality:configure")
        if statement_form.is_valid():
            statement_form.save()
            messages.success(request, _("The accessibility statement now shows these details."))
            return redirect("municipality:configure")
    choose_form = ChooseMunicipalityForm(None if saving_statement else posted)
    if posted is not None and not saving_statement and choose_form.is_valid():
        chosen = municipality_set_from_register(
            key=choose_form.cleaned_data["key"], website=choose_form.cleaned_data["website"]
        )
        messages.success(request, _("This installation now serves %(name)s.") % {"name": chosen.name})
        return redirect("municipality:configure")
    search_form = RegisterSearchForm(request.GET or None)
    results = register.search(search_form.cleaned_data["q"]) if search_form.is_valid() else []
    checklist = golive_checklist(municipality)
    context = {
        "municipality": municipality,
        "statement_form": statement_form,
        "search_form": search_form,
        "choose_form": choose_form,
        "results": results,
        "attribution": register.ATTRIBUTION,
        "checklist": checklist,
        "checklist_done": sum(item.done for item in checklist),
    }
    if request.htmx:
        return render(request, "municipality/configure.html#results", context)
    return render(request, "municipality/configure.html", context)


# The public page of each legal page (mounted in config/urls.py with the frame's pages).
LEGAL_PAGE_URLS: dict[str, str] = {LegalPage.Kind.IMPRINT: "core:imprint", LegalPage.Kind.PRIVACY: "core:privacy"}


@login_required
def edit_legal_page(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    """The administrator writes the Impressum or the privacy notice, starting from the default template."""
    require(can_edit_legal_pages(request.user))
    page = LegalPage.objects.for_kind(kind)
    form = LegalPageForm(request.POST if request.method == "POST" else None, instance=page)

    def save() -> LegalPage:
        # By kind, not by the instance read above: two administrators saving the first text at the
        # same moment both end in the one row of this kind (the later text wins) instead of an error.
        saved, _created = LegalPage.objects.update_or_create(kind=kind, defaults={"text": form.cleaned_data["text"]})
        return saved

    return save_form_view(
        request,
        form=form,
        save=save,
        title=page.get_kind_display(),
        cancel_url=reverse("municipality:configure"),
        success_url=reverse(LEGAL_PAGE_URLS[page.kind]),
        template="municipality/legal_edit.html",
        context={
            "page": page,
            "placeholders": placeholders(page.text),
            "public_url": reverse(LEGAL_PAGE_URLS[page.kind]),
        },
    )
