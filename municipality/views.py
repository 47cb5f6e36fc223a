from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from municipality import register
from municipality.forms import ChooseMunicipalityForm, RegisterSearchForm
from municipality.models import Municipality
from municipality.permissions import can_configure_municipality
from municipality.services import municipality_set_from_register


@login_required
def configure(request: HttpRequest) -> HttpResponse:
    if not can_configure_municipality(request.user):
        raise PermissionDenied
    choose_form = ChooseMunicipalityForm(request.POST or None)
    if request.method == "POST" and choose_form.is_valid():
        chosen = municipality_set_from_register(
            key=choose_form.cleaned_data["key"], website=choose_form.cleaned_data["website"]
        )
        messages.success(request, _("This installation now serves %(name)s.") % {"name": chosen.name})
        return redirect("municipality:configure")
    search_form = RegisterSearchForm(request.GET or None)
    results = register.search(search_form.cleaned_data["q"]) if search_form.is_valid() else []
    context = {
        "municipality": Municipality.objects.current(),
        "search_form": search_form,
        "choose_form": choose_form,
        "results": results,
        "attribution": register.ATTRIBUTION,
    }
    if request.htmx:
        return render(request, "municipality/configure.html#results", context)
    return render(request, "municipality/configure.html", context)
