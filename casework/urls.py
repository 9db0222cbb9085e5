from django.urls import path

from casework import views

app_name = "casework"

urlpatterns = [
    path("", views.home, name="home"),
    path("requests/<str:reference>/", views.request_detail, name="request_detail"),
]
