"""Routes: pages for people, /api/v1/ for scripts."""

from __future__ import annotations

from django.urls import include, path, re_path

from lgrshare import tasks
from lgrshare.accounts import two_factor_views as two_factor
from lgrshare.accounts import views as accounts
from lgrshare.agreements import views as agreements
from lgrshare.api import api
from lgrshare.catalogue import views as catalogue
from lgrshare.councils import views as councils
from lgrshare.datasets import views as datasets
from lgrshare.evidence import views as evidence
from lgrshare.notifications import views as notifications
from lgrshare.people import views as people
from lgrshare.requests import views as requests
from lgrshare.retention import views as retention
from lgrshare.standards import views as standards
from lgrshare.submissions import views as submissions
from lgrshare.web import developers, pages

handler400 = "lgrshare.web.views.bad_request"

urlpatterns = [
    path("", councils.home, name="home"),
    path("sign-in", accounts.SignInView.as_view(), name="sign-in"),
    path("sign-out", accounts.SignOutView.as_view(), name="sign-out"),
    path("account/password", accounts.PasswordChangeView.as_view(), name="password-change"),
    path("sign-in/code", two_factor.code, name="two-factor-code"),
    path("account/two-factor", two_factor.settings_page, name="two-factor"),
    path("account/two-factor/set-up", two_factor.set_up, name="two-factor-set-up"),
    path(
        "account/two-factor/recovery-codes",
        two_factor.recovery_codes,
        name="two-factor-recovery-codes",
    ),
    path("account/two-factor/renew-codes", two_factor.renew_codes, name="two-factor-renew-codes"),
    path("account/two-factor/remove", two_factor.remove, name="two-factor-remove"),
    path("account/tokens", accounts.tokens, name="tokens"),
    path("account/tokens/<int:token_id>/revoke", accounts.token_revoke, name="token-revoke"),
    path("areas/<str:county_gss>/", councils.area_dashboard, name="area"),
    path("areas/<str:county_gss>/people/add", people.person_add, name="person-add"),
    path("areas/<str:county_gss>/people/added", people.person_added, name="person-added"),
    path("people/<int:pk>/", people.person_detail, name="person"),
    path("people/<int:pk>/<str:action>", people.person_action, name="person-action"),
    path("areas/<str:county_gss>/contractors/add", people.contractor_add, name="contractor-add"),
    path("councils/<str:gss_code>/", councils.council_detail, name="council"),
    path("catalogue/", catalogue.catalogue, name="catalogue"),
    path("catalogue/<slug:slug>/", datasets.dataset, name="dataset"),
    path("catalogue/<slug:slug>/data.csv", datasets.dataset_export, name="dataset-download"),
    path(
        "catalogue/<slug:slug>/download.<str:fmt>", datasets.dataset_export, name="dataset-export"
    ),
    path("agreements/<int:pk>/compile/<slug:standard>/", datasets.compiled, name="compiled"),
    path(
        "agreements/<int:pk>/compile/<slug:standard>/download.<str:fmt>",
        datasets.compiled_export,
        name="compiled-export",
    ),
    path("areas/<str:county_gss>/catalogue/held", catalogue.held_new, name="held-new"),
    path(
        "areas/<str:county_gss>/catalogue/import",
        catalogue.metrics_import_page,
        name="catalogue-import",
    ),
    path("areas/<str:county_gss>/standards/new", standards.standard_new, name="standard-new"),
    path("areas/<str:county_gss>/options/", evidence.option_list, name="options"),
    path("areas/<str:county_gss>/options/new", evidence.option_new, name="option-new"),
    path("areas/<str:county_gss>/options/compare", evidence.option_compare, name="options-compare"),
    path(
        "areas/<str:county_gss>/options/pack.<str:file_format>",
        evidence.evidence_pack,
        name="evidence-pack",
    ),
    path("areas/<str:county_gss>/options/<int:pk>/", evidence.option_detail, name="option"),
    path(
        "areas/<str:county_gss>/options/<int:pk>/new-version",
        evidence.option_new,
        name="option-version-new",
    ),
    path("areas/<str:county_gss>/find/", requests.find_start, name="find-start"),
    path("areas/<str:county_gss>/find/results", requests.find_results, name="find-results"),
    path("areas/<str:county_gss>/requests/", requests.register, name="register"),
    path("areas/<str:county_gss>/requests/new", requests.request_new, name="request-new"),
    path("requests/<int:pk>/", requests.request_detail, name="request"),
    path("requests/<int:pk>/edit", requests.request_edit, name="request-edit"),
    path("requests/<int:pk>/<slug:action>", requests.request_action, name="request-action"),
    path(
        "requests/<int:pk>/attachments/<int:attachment_id>",
        requests.attachment,
        name="request-attachment",
    ),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read", notifications.notification_mark_read, name="notifications-read"),
    path("tasks/", tasks.tasks_page, name="tasks"),
    path("areas/<str:county_gss>/retention/", retention.dashboard, name="retention"),
    path(
        "agreements/<int:pk>/retention", retention.agreement_retention, name="agreement-retention"
    ),
    path("retention/certificates/<int:pk>/", retention.certificate_page, name="certificate"),
    path(
        "retention/certificates/<int:pk>/certificate.pdf",
        retention.certificate_pdf,
        name="certificate-pdf",
    ),
    path(
        "retention/certificates/<int:pk>/certificate.json",
        retention.certificate_json,
        name="certificate-json",
    ),
    path("retention/attestations/<int:pk>/", retention.attestation_page, name="attestation"),
    path("submissions/<int:pk>/delete-early", retention.delete_early, name="delete-early"),
    path("areas/<str:county_gss>/agreements/", agreements.agreements_register, name="agreements"),
    path("areas/<str:county_gss>/agreements/new", agreements.agreement_new, name="agreement-new"),
    path("areas/<str:county_gss>/contractors/", agreements.contractors, name="contractors"),
    path(
        "contractor-agreements/<int:pk>/sign-off",
        agreements.contractor_agreement_sign_off,
        name="contractor-agreement-sign-off",
    ),
    path(
        "contractor-agreements/<int:pk>/document",
        agreements.contractor_agreement_download,
        name="contractor-agreement-document",
    ),
    path("agreements/<int:pk>/", agreements.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/edit", agreements.agreement_edit, name="agreement-edit"),
    path("agreements/<int:pk>/document.pdf", agreements.agreement_pdf, name="agreement-pdf"),
    path(
        "agreements/<int:pk>/versions/<int:number>/",
        agreements.agreement_detail,
        name="agreement-version",
    ),
    path(
        "agreements/<int:pk>/versions/<int:number>/document.pdf",
        agreements.agreement_pdf,
        name="agreement-version-pdf",
    ),
    path("agreements/<int:pk>/submit", submissions.submit, name="submit"),
    re_path(
        r"^agreements/(?P<pk>[0-9]+)/templates/(?P<standard>[a-z0-9-]+)\.(?P<fmt>csv|xlsx)$",
        submissions.agreed_template,
        name="agreed-template",
    ),
    path(
        "agreements/<int:pk>/dpia-document",
        agreements.dpia_document,
        name="agreement-dpia-document",
    ),
    path("agreements/<int:pk>/<slug:action>", agreements.agreement_action, name="agreement-action"),
    path("transparency/", agreements.transparency, name="transparency"),
    path("guidance/", pages.guidance, name="guidance"),
    path("how-data-is-protected/", pages.data_protection, name="data-protection"),
    path("submissions/<int:pk>/", datasets.submission_detail, name="submission"),
    path(
        "submissions/<int:pk>/report.json", submissions.submission_report, name="submission-report"
    ),
    re_path(
        r"^submissions/(?P<pk>[0-9]+)/errors\.(?P<fmt>csv|xlsx)$",
        submissions.submission_report_table,
        name="submission-report-table",
    ),
    re_path(
        r"^submissions/(?P<pk>[0-9]+)/download\.(?P<fmt>zip|xlsx)$",
        datasets.submission_export,
        name="submission-download",
    ),
    path(
        "submissions/<int:pk>/<slug:action>",
        datasets.submission_action,
        name="submission-action",
    ),
    path("standards/", standards.standards, name="standards"),
    path("standards/<slug:name>/", standards.standard_detail, name="standard"),
    path("standards/<slug:name>/fields", standards.standard_fields, name="standard-fields"),
    path("standards/<slug:name>/schema.json", standards.standard_schema, name="standard-schema"),
    re_path(
        r"^standards/(?P<name>[-a-z0-9]+)/template\.(?P<fmt>csv|xlsx)$",
        standards.standard_template,
        name="standard-template",
    ),
    path("developers/api", developers.api_docs, name="api-docs"),
    path("developers/errors", developers.error_codes, name="error-codes"),
    path("", include("lgrshare.vault.urls")),
    path("", include("lgrshare.audit.urls")),
    path("api/v1/", api.urls),
]
