from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.data_protection, name="data_protection"),
    path("holds/", views.hold_set, name="hold_set"),
    path("holds/<uuid:public_id>/lift/", views.hold_lift, name="hold_lift"),
]
