"""Admin routes (registered with Wagtail's admin in wagtail_hooks)."""

from django.urls import path

from . import views_admin, views_unit

urlpatterns = [
    path("", views_admin.dashboard_view, name="reports_dashboard"),
    path("tai-ve/", views_admin.annual_download, name="reports_download"),
    path("chi-tieu/", views_admin.plan_targets, name="reports_targets"),
    path("danh-muc/", views_admin.registries, name="reports_registries"),
    path("ky-bao-cao/", views_admin.periods, name="reports_periods"),
    path("ky-bao-cao/<int:pk>/", views_admin.period_detail, name="reports_period"),
    path("bao-cao/<int:pk>/duyet/", views_admin.review, name="reports_review"),
    path("bao-cao/<int:pk>/", views_admin.own_report, name="reports_own_report"),
    path("don-vi/", views_unit.report_list, name="reports_unit_list"),
    path("don-vi/<int:pk>/", views_unit.report_edit, name="reports_unit_edit"),
    path("don-vi/danh-muc/", views_unit.registries, name="reports_unit_registries"),
]
