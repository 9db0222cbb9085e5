from django.urls import path

from networks import views

app_name = "networks"

urlpatterns = [
    path("partner/", views.partner_home, name="partner_home"),
]
