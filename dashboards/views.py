from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import role_required
from accounts.models import Role
from municipalities.models import District, Team
from networks.models import Organisation


@role_required(Role.ALDERMAN)
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    districts = (
        District.objects.visible_to(user)
        .annotate(
            neighbourhood_count=Count("neighbourhoods"),
            population=Sum("neighbourhoods__population"),
        )
        .order_by("name")
    )
    context = {
        "municipality": user.municipality,
        "districts": districts,
        "team_count": Team.objects.visible_to(user).count(),
        "organisation_count": Organisation.objects.visible_to(user).count(),
    }
    return render(request, "dashboards/home.html", context)
