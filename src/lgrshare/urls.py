"""Routes: pages for people, /api/v1/ for scripts."""

from __future__ import annotations

from django.urls import path

from lgrshare.accounts import views as accounts
from lgrshare.api import api
from lgrshare.councils import views as councils

urlpatterns = [
    path("", councils.home, name="home"),
    path("sign-in", accounts.SignInView.as_view(), name="sign-in"),
    path("sign-out", accounts.SignOutView.as_view(), name="sign-out"),
    path("account/tokens", accounts.tokens, name="tokens"),
    path("account/tokens/<int:token_id>/revoke", accounts.token_revoke, name="token-revoke"),
    path("areas/<str:county_gss>/", councils.area_dashboard, name="area"),
    path("areas/<str:county_gss>/people/add", councils.person_add, name="person-add"),
    path("councils/<str:gss_code>/", councils.council_detail, name="council"),
    path("api/v1/", api.urls),
]
