"""Keeping the social map current: the functional admin for the municipality, a
partner for its own organisation and services only."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.access import role_required
from accounts.models import Role
from networks.access import get_organisation_to_edit, get_service_to_edit
from networks.forms import (
    KeyContactForm,
    OrganisationForm,
    PartnerOrganisationForm,
    ServiceForm,
)
from networks.models import KeyContact, Organisation, Service


def _after_edit(request: HttpRequest) -> HttpResponse:
    if request.user.role == Role.PARTNER:
        return redirect("networks:partner_home")
    return redirect("networks:organisation_list")


@role_required(Role.FUNCTIONAL_ADMIN)
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.visible_to(request.user).select_related(
        "neighbourhood"
    )
    kind = request.GET.get("kind", "")
    if kind:
        organisations = organisations.filter(kind=kind)
    context = {
        "organisations": organisations,
        "key_contacts": KeyContact.objects.filter(
            neighbourhood__district__municipality_id=request.user.municipality_id
        ).select_related("neighbourhood", "organisation"),
    }
    return render(request, "networks/organisation_list.html", context)


@role_required(Role.FUNCTIONAL_ADMIN)
def organisation_create(request: HttpRequest) -> HttpResponse:
    municipality = request.user.municipality
    form = OrganisationForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        form.instance.municipality = municipality
        form.save()
        messages.success(request, _("The organisation is on the social map."))
        return redirect("networks:organisation_list")
    return render(
        request,
        "networks/organisation_form.html",
        {"form": form, "organisation": None},
        status=400 if form.is_bound else 200,
    )


@role_required(Role.FUNCTIONAL_ADMIN, Role.PARTNER)
def organisation_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    organisation = get_organisation_to_edit(request, public_id)
    form_class = (
        PartnerOrganisationForm
        if request.user.role == Role.PARTNER
        else OrganisationForm
    )
    form = form_class(
        request.POST or None,
        instance=organisation,
        municipality=organisation.municipality,
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The organisation has been saved."))
        return _after_edit(request)
    return render(
        request,
        "networks/organisation_form.html",
        {"form": form, "organisation": organisation},
        status=400 if form.is_bound else 200,
    )


def _save_service(form: ServiceForm) -> Service:
    with transaction.atomic():
        service = form.save()
        Service.objects.filter(pk=service.pk).refresh_search_document()
    return service


@role_required(Role.FUNCTIONAL_ADMIN, Role.PARTNER)
def service_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    organisation = get_organisation_to_edit(request, public_id)
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.organisation = organisation
        _save_service(form)
        messages.success(request, _("The service is on the social map."))
        return _after_edit(request)
    return render(
        request,
        "networks/service_form.html",
        {"form": form, "organisation": organisation, "service": None},
        status=400 if form.is_bound else 200,
    )


@role_required(Role.FUNCTIONAL_ADMIN, Role.PARTNER)
def service_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    service = get_service_to_edit(request, public_id)
    form = ServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        _save_service(form)
        messages.success(request, _("The service has been saved."))
        return _after_edit(request)
    return render(
        request,
        "networks/service_form.html",
        {"form": form, "organisation": service.organisation, "service": service},
        status=400 if form.is_bound else 200,
    )


@role_required(Role.FUNCTIONAL_ADMIN)
def key_contact_create(request: HttpRequest) -> HttpResponse:
    municipality = request.user.municipality
    if municipality is None:
        raise PermissionDenied
    form = KeyContactForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The key contact has been added."))
        return redirect("networks:organisation_list")
    return render(
        request,
        "networks/key_contact_form.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )
