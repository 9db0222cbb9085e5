"""Settings of the fault scripts' private portal: the production settings, with
static files served from the finders (no collectstatic run; no page measured here
depends on them)."""

from socialdomain.settings import *  # noqa: F403

STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
WHITENOISE_USE_FINDERS = True
