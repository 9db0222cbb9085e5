from celery import shared_task

from privacy import services


@shared_task
def purge_personal_data() -> str:
    """The daily retention run (also `manage.py purge_personal_data`)."""
    return str(services.purge_personal_data())
