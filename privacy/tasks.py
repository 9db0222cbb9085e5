from privacy import services
from socialdomain.celery import app


@app.task
def purge_personal_data() -> str:
    """The daily retention run (also `manage.py purge_personal_data`)."""
    return str(services.purge_personal_data())
