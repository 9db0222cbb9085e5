from django.urls import path

from dashboards.views import dashboard, reports, research

app_name = "dashboards"

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("data/<slug:key>.csv", dashboard.chart_csv, name="csv"),
    path("reports/", reports.report_list, name="reports"),
    path("research-export/", research.research_export, name="research_export"),
    path(
        "reports/<uuid:public_id>/status/", reports.report_status, name="report_status"
    ),
    path(
        "reports/<uuid:public_id>/<str:kind>/",
        reports.report_download,
        name="report_download",
    ),
]
