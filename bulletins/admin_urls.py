"""Admin routes (registered with Wagtail's admin in wagtail_hooks)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.bulletin_list, name="bulletins_list"),
    path("moi/", views.bulletin_create, name="bulletins_create"),
    path("<int:pk>/", views.bulletin_detail, name="bulletins_detail"),
    path("<int:pk>/gui/", views.bulletin_send, name="bulletins_send"),
    path("<int:pk>/thu-hoi/", views.bulletin_withdraw, name="bulletins_withdraw"),
    path("don-vi/", views.unit_dashboard, name="bulletins_unit"),
    path("vao-don-vi/", views.officer_enter_unit, name="bulletins_enter_unit"),
    path("tep/<int:pk>/", views.officer_attachment, name="bulletins_file"),
    path("hop-thu/", views.inbox, name="bulletins_inbox"),
    path("hop-thu/<int:pk>/", views.inbox_detail, name="bulletins_inbox_detail"),
    path("hop-thu/tep/<int:pk>/", views.attachment, name="bulletins_inbox_file"),
]
