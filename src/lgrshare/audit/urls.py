"""Pages of the audit app (data protection officers only)."""

from __future__ import annotations

from django.urls import URLPattern, path

from lgrshare.audit import views

urlpatterns: list[URLPattern] = [
    path(
        "audit/target/<str:target_type>/<path:target_id>",
        views.target_trail,
        name="audit-target",
    ),
    path("audit/person/<path:username>", views.person_trail, name="audit-person"),
    path("areas/<str:county_gss>/audit", views.area_trail, name="area-audit"),
]
