"""Test settings: the real settings with safe defaults for the variables and speed-ups.

DATABASE_URL and REDIS_URL come from the environment (`make test` provides them).
"""

import os

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-use"
)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Tests speak plain HTTP to the test client and the live server.
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")

from socialdomain.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
# Serve static files straight from static/ (no collectstatic run before tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
