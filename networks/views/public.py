"""The public social map and neighbourhood pages: residents find local help
without logging in."""

from datetime import date

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from municipalities.models import Municipality, Neighbourhood
from networks.forms import SocialMapSearchForm
from networks.models import (
    VOLUNTEER_OFFERS,
    Match,
    MatchStatus,
    Need,
    Organisation,
    OrganisationKind,
    Service,
    Volunteer,
    VolunteerStatus,
)
from networks.services import services_matching


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


@login_not_required
def social_map_start(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_authenticated and user.municipality_id:
        return redirect("networks:social_map", user.municipality.slug)
    return render(
        request,
        "networks/social_map_start.html",
        {"municipalities": Municipality.objects.order_by("name")},
    )


@login_not_required
def social_map(request: HttpRequest, municipality: str) -> HttpResponse:
    municipality_obj = get_object_or_404(Municipality, slug=municipality)
    form = SocialMapSearchForm(request.GET or None, municipality=municipality_obj)
    searched = form.is_bound and form.is_valid()
    services = None
    if searched:
        services = list(
            services_matching(
                municipality_id=municipality_obj.pk,
                query=form.cleaned_data["q"],
                need=form.cleaned_data["need"],
                neighbourhood=form.cleaned_data["neighbourhood"],
            )[:50]
        )
    context = {
        "municipality": municipality_obj,
        "form": form,
        "searched": searched,
        "services": services,
        "needs": [(need.value, need.label) for need in Need],
        "neighbourhoods": Neighbourhood.objects.filter(
            district__municipality=municipality_obj
        ).order_by("name"),
    }
    return render(request, "networks/social_map.html", context)


@login_not_required
def organisation_detail(
    request: HttpRequest, municipality: str, public_id: object
) -> HttpResponse:
    organisation = get_object_or_404(
        Organisation.objects.published()
        .select_related("municipality", "neighbourhood")
        .prefetch_related(
            "neighbourhoods_served",
            Prefetch("services", queryset=Service.objects.filter(is_published=True)),
        ),
        municipality__slug=municipality,
        public_id=public_id,
    )
    return render(
        request, "networks/organisation_detail.html", {"organisation": organisation}
    )


@login_not_required
def service_detail(
    request: HttpRequest, municipality: str, public_id: object
) -> HttpResponse:
    service = get_object_or_404(
        Service.objects.published().select_related(
            "organisation__municipality", "organisation__neighbourhood"
        ),
        organisation__municipality__slug=municipality,
        public_id=public_id,
    )
    return render(request, "networks/service_detail.html", {"service": service})


@login_not_required
def neighbourhood_detail(request: HttpRequest, cbs_code: str) -> HttpResponse:
    """The network of one neighbourhood, and its strength at a glance. Volunteers
    appear only as counts per kind of help, never by name."""
    neighbourhood = get_object_or_404(
        Neighbourhood.objects.select_related("district__municipality"),
        cbs_code=cbs_code,
    )
    organisations = list(
        Organisation.objects.published()
        .serving(neighbourhood)
        .select_related("neighbourhood")
        .order_by("kind", "name")
    )
    volunteers = Volunteer.objects.filter(
        status=VolunteerStatus.ACTIVE, neighbourhoods=neighbourhood
    )
    offers = volunteers.aggregate(
        total=Count("pk", distinct=True),
        **{
            need.value: Count(
                "pk", filter=Q(offers__contains=[need.value]), distinct=True
            )
            for need in VOLUNTEER_OFFERS
        },
    )
    matches = Match.objects.filter(
        help_request__neighbourhood=neighbourhood,
        created_at__date__gte=quarter_start(timezone.localdate()),
        status__in=[MatchStatus.ACCEPTED, MatchStatus.ACTIVE, MatchStatus.COMPLETED],
    ).count()
    context = {
        "neighbourhood": neighbourhood,
        "municipality": neighbourhood.district.municipality,
        "community_centres": [
            o for o in organisations if o.kind == OrganisationKind.COMMUNITY_CENTRE
        ],
        "informal_groups": [
            o for o in organisations if o.kind == OrganisationKind.INFORMAL_GROUP
        ],
        "other_organisations": [
            o
            for o in organisations
            if o.kind
            not in (OrganisationKind.COMMUNITY_CENTRE, OrganisationKind.INFORMAL_GROUP)
        ],
        "key_contacts": neighbourhood.key_contacts.select_related("organisation"),
        "offers": [
            (need.label, offers[need.value])
            for need in VOLUNTEER_OFFERS
            if offers[need.value]
        ],
        "strength": {
            "volunteers": offers["total"],
            "organisations": len(organisations),
            "matches": matches,
        },
    }
    return render(request, "networks/neighbourhood_detail.html", context)
