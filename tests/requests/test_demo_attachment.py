"""The demo shows an attachment as it should be: a specification, encrypted in the vault."""

import pytest

from lgrshare.audit.models import AuditEntry
from lgrshare.demo import DEMO_SPECIFICATION, demo_load
from lgrshare.requests.models import Attachment
from lgrshare.vault.storage import default_storage


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.HOME = tmp_path
    return demo_load()


def test_the_demo_thread_carries_a_data_specification_stored_encrypted(demo, client):
    from lgrshare.councils.models import User

    (attachment,) = Attachment.objects.all()
    assert attachment.name == "contracts-register-specification.txt"
    with default_storage().open(attachment.blob.file_id) as handle:
        assert b"data specification" not in handle.read()
    request = attachment.comment.request
    client.force_login(User.objects.get(username="guildford.analyst"))
    page = client.get(f"/requests/{request.pk}/").content.decode()
    url = f"/requests/{request.pk}/attachments/{attachment.pk}"
    assert url in page
    assert client.get(url).content == DEMO_SPECIFICATION.encode()
    assert AuditEntry.objects.filter(action="attachment-added").count() == 1


def test_loading_the_demo_again_adds_no_second_attachment(demo, settings):
    demo_load()
    assert Attachment.objects.count() == 1
