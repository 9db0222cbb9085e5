from datetime import timedelta

from django.conf import settings
from django.db import migrations

# The three yes/no answers of the request form become Consent rows: given online
# when the privacy statement was accepted, by whoever sent the request, and valid
# for the default period counted from then (an answer older than that has expired:
# nobody was told it would last forever, and ending sharing is the careful side).
SHARING = (
    ("share_with_community_centre", "referral", "community_centres"),
    ("share_with_volunteers", "volunteer_help", "volunteers"),
    ("share_with_local_organisations", "referral", "local_organisations"),
)


def forward(apps, schema_editor):
    HelpRequest = apps.get_model("citizens", "HelpRequest")
    Consent = apps.get_model("citizens", "Consent")
    period = timedelta(days=settings.CONSENT_VALID_DAYS)
    for field, purpose, recipient in SHARING:
        requests = HelpRequest.objects.filter(**{field: True}).values_list(
            "pk", "privacy_accepted_at", "resident_id", "filed_by_id"
        )
        batch = []
        for pk, given_at, resident_id, filed_by_id in requests.iterator(
            chunk_size=2000
        ):
            batch.append(
                Consent(
                    help_request_id=pk,
                    purpose=purpose,
                    recipient=recipient,
                    method="online",
                    given_at=given_at,
                    expires_at=given_at + period,
                    recorded_by_id=filed_by_id or resident_id,
                )
            )
            if len(batch) >= 2000:
                Consent.objects.bulk_create(batch)
                batch = []
        Consent.objects.bulk_create(batch)


def backward(apps, schema_editor):
    HelpRequest = apps.get_model("citizens", "HelpRequest")
    Consent = apps.get_model("citizens", "Consent")
    for field, purpose, recipient in SHARING:
        given = Consent.objects.filter(
            purpose=purpose, recipient=recipient, withdrawn_at__isnull=True
        ).values("help_request_id")
        HelpRequest.objects.filter(pk__in=given).update(**{field: True})


class Migration(migrations.Migration):
    dependencies = [("citizens", "0006_consent_and_access_log_on_behalf")]

    operations = [migrations.RunPython(forward, backward)]
