"""Data deleted under the retention rules is Gone (410) to those who could see it, with when and
where its certificate is; everyone else keeps the policy's answer."""

from __future__ import annotations

from lgrshare.retention.models import DeletionCertificate
from lgrshare.retention.services import retention_run
from tests.conftest import _make
from tests.retention.conftest import DELETE_BY, noon
from tests.submissions.test_flows import api

WAVERLEY = "E07000216"  # in Surrey's area, not a party to the agreement


def test_a_reader_who_could_see_deleted_data_is_told_it_is_gone_and_where_the_proof_is(
    shared, cast, client
):
    _, dataset, _ = shared
    get = api(client, cast["surrey_analyst"])
    before = get(f"/api/v1/catalogue/{dataset.slug}/rows")
    assert before.status_code == 200
    retention_run(now=noon(DELETE_BY), run_by="cli:cron")
    certificate = DeletionCertificate.objects.get(scope=f"dataset:{dataset.pk}")
    for url in (
        f"/api/v1/catalogue/{dataset.slug}/rows",
        f"/api/v1/catalogue/{dataset.slug}/rows?fields=nope",
        f"/api/v1/catalogue/{dataset.slug}/download.csv",
    ):
        gone = get(url)
        assert gone.status_code == 410, url
        body = gone.json()
        assert body["code"] == "data-deleted"
        assert f"deleted on {DELETE_BY:%-d %B %Y}" in body["message"]
        assert f"/retention/certificates/{certificate.pk}/" in body["message"]


def test_someone_who_could_not_see_it_keeps_the_policys_answer(shared, cast, client, charlie):
    _, dataset, _ = shared
    retention_run(now=noon(DELETE_BY), run_by="cli:cron")
    url = f"/api/v1/catalogue/{dataset.slug}/rows"
    outsider = api(client, _make("vana", ["analyst"], WAVERLEY))(url)
    assert (outsider.status_code, outsider.json()["code"]) == (403, "data-deleted")
    assert "certificates" not in outsider.json()["message"]
    elsewhere = api(client, charlie)(url)
    assert (elsewhere.status_code, elsewhere.json()["code"]) == (404, "dataset-not-found")


def test_compiling_a_standard_whose_only_data_was_deleted_is_gone_too(shared, cast, client):
    agreement, dataset, _ = shared
    retention_run(now=noon(DELETE_BY), run_by="cli:cron")
    url = f"/api/v1/agreements/{agreement.pk}/compile/{dataset.standard_name}"
    gone = api(client, cast["surrey_analyst"])(url)
    assert (gone.status_code, gone.json()["code"]) == (410, "data-deleted")
    assert "/retention/certificates/" in gone.json()["message"]
