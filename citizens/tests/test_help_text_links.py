"""Help texts and errors are linked to their fields for screen readers."""

import re

from django.test import Client

from citizens.models import HelpRequestDraft


def test_help_text_and_error_are_announced_with_the_field(db: None) -> None:
    client = Client()
    client.post("/help/")
    draft = HelpRequestDraft.objects.get()

    html = client.post(
        f"/help/{draft.public_id}/household/", {"adults": "0", "children_ages": "x"}
    ).content.decode()

    field = re.search(r"<input[^>]*id=\"id_children_ages\"[^>]*>", html).group(0)
    described = re.search(r'aria-describedby="([^"]+)"', field).group(1).split()
    assert described == ["id_children_ages_help", "id_children_ages_error"]
    for target in described:
        assert f'id="{target}"' in html
    assert 'aria-invalid="true"' in field
    assert "form-control" in field
