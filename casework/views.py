from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import role_required
from accounts.models import TEAM_ROLES, Role, User
from municipalities.models import Neighbourhood


@role_required(Role.CASEWORKER, Role.TEAM_LEAD)
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    team = user.team
    context = {
        "team": team,
        "neighbourhoods": Neighbourhood.objects.visible_to(user).filter(
            district_id=team.district_id
        ),
        "members": User.objects.filter(
            team_id=team.pk, role__in=TEAM_ROLES, is_active=True
        ).order_by("role", "full_name"),
    }
    return render(request, "casework/home.html", context)
