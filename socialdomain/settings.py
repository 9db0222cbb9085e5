"""Buurtkracht settings: one module, driven by environment variables.

Every variable is listed in `.env.example`. The module fails closed: DEBUG is off unless
set, and outside DEBUG a missing SECRET_KEY or ALLOWED_HOSTS stops start-up.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from socialdomain.lib.binding import BindingCursor
from socialdomain.lib.env import env, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. Set it to a long random value "
        "(see .env.example); `make run` generates one for local use."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", default=[])
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set. List the host names the portal answers to, "
        "separated by commas (see .env.example)."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # For its template tags (form controls); it has no models.
    "socialdomain",
    "municipalities",
    "networks",
    "accounts",
    "citizens",
    "casework",
    "pilots",
    "dashboards",
    "notifications",
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.StaffIdleTimeoutMiddleware",
    # After the idle timeout: staff pass only with a verified second factor (read from
    # the session, no query).
    "accounts.middleware.TwoFactorGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so that a lockout answers before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "socialdomain.urls"
WSGI_APPLICATION = "socialdomain.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
# Django's widget templates made in Python, with the same HTML (a third of the case
# page's time went to rendering its widgets as templates).
FORM_RENDERER = "socialdomain.lib.form_renderer.FormRenderer"

# Database: PostgreSQL only. Persistent connections matter: without them a one-query
# page is several times slower (see ENGINEERING-NOTES).
DATABASE_URL = env("DATABASE_URL", default="")
if not DATABASE_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. `make run` and `make test` start an embedded "
        "PostgreSQL when it is unset; otherwise point it at your server."
    )
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", default=600),
        conn_health_checks=True,
    )
}
# Server-side binding and prepared statements, for the ORM (socialdomain/lib/binding.py)
# as for the SQL compiled once per worker (socialdomain/lib/compiled.py): a query has
# the same text on every request, psycopg prepares it on its connection after it ran
# this many times, and PostgreSQL keeps its plan. binding.py handles PostgreSQL's two
# limits (65,535 values per bound statement; a kept plan that a migration broke).
# Behind PgBouncer in transaction mode, set DATABASE_PREPARE_THRESHOLD=off.
_prepare = env("DATABASE_PREPARE_THRESHOLD", default="5")
if _prepare != "off" and not (_prepare.isascii() and _prepare.isdigit()):
    raise ImproperlyConfigured(
        "DATABASE_PREPARE_THRESHOLD is a number of runs, or `off`."
    )
DATABASES["default"].setdefault("OPTIONS", {}).update(
    prepare_threshold=None if _prepare == "off" else int(_prepare),
    cursor_factory=BindingCursor,
)
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Buurtkracht runs on PostgreSQL only.")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if not REDIS_URL:
    raise ImproperlyConfigured(
        "REDIS_URL is not set. `make run` and `make test` start an embedded Redis "
        "when it is unset; otherwise point it at your server."
    )

# Authentication
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # AxesStandaloneBackend first: it refuses locked-out credentials before any check.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, with the logged-in user loaded by SQL compiled once per worker.
    "accounts.backends.UserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "landing"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
# Two-factor authentication (staff): TOTP devices of django-otp, recovery codes as
# django-otp static tokens. The issuer names the portal in the authenticator app.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Buurtkracht")
TWO_FACTOR_RECOVERY_CODES = 10
# Exports and role changes ask for the password (and, for staff, a code) again when the
# last authentication is older than this.
REAUTHENTICATION_MINUTES = env_int("REAUTHENTICATION_MINUTES", default=5)

# Brute-force protection (django-axes): lock a user name from one address after
# repeated failures; the lockout page explains when to try again.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Failures are reset only when the whole login succeeded (for staff: after the code
# step, accounts.two_factor), so that a known password does not buy unlimited code
# guesses. Wrong codes count as failures too.
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.forms.login_username"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", default=0)

# Internationalisation: Dutch first, English through the language switch.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# Static files: vendored, served by WhiteNoise with hashed names outside DEBUG.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded files live outside the static/public tree and are served only through views.
PRIVATE_MEDIA_ROOT = Path(
    env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / ".data" / "private"))
)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: always rendered by Django; the backend decides delivery.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / ".data" / "outbox"))
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env_int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Buurtkracht <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Absolute links in e-mails (password reset, reminders) are built from this address.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Security headers and cookies.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8
# The database store, loading sessions by SQL compiled once (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
# Staff are logged out after this many minutes without a request.
STAFF_IDLE_TIMEOUT_MINUTES = env_int("STAFF_IDLE_TIMEOUT_MINUTES", default=30)
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# HSTS preload is opt-in: it is hard to undo and depends on the domain owner.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Celery: Redis as broker; reminders and reports on their own queues. A task whose
# worker dies mid-run goes back to the queue (acks_late + reject_on_worker_lost);
# the outbox jobs, whose state is in the database, are acknowledged when taken
# (notifications/tasks.py says why).
CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 60 * 60,
    # A broker that does not answer (rather than refuse) fails within seconds.
    "socket_connect_timeout": 2,
}
# A web request publishes only nudges (notifications.outbox.kick_after_commit) and
# gives the broker this long, without retries; what it nudges is in the database.
CELERY_PUBLISH_TIMEOUT = float(env("CELERY_PUBLISH_TIMEOUT", default="0.5"))
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "notifications.tasks.*": {"queue": "reminders"},
    "reminders.*": {"queue": "reminders"},
    "reports.*": {"queue": "reports"},
    "*.reports.*": {"queue": "reports"},
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = env(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / ".data" / "celerybeat")
)
# Periodic jobs; each is also a management command, and a repeated or missed tick
# changes nothing. Daily jobs stay out of 02:00-03:00 local time, which daylight saving
# skips or repeats.
REMINDER_SCAN_SECONDS = env_int("REMINDER_SCAN_SECONDS", default=60)


def cron(**fields: int | str) -> dict[str, dict[str, int | str]]:
    """A crontab schedule kept as data; socialdomain/celery.py makes Celery's crontab
    of it. Importing celery.schedules here would load the whole Celery stack (about
    20 MB) into every web worker, which never runs beat."""
    return {"crontab": fields}


CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": cron(minute=17),
    },
    # manage.py scan_reminders
    "scan-reminders": {
        "task": "notifications.tasks.scan_reminders",
        "schedule": REMINDER_SCAN_SECONDS,
    },
    # manage.py send_outbox
    "send-outbox": {
        "task": "notifications.tasks.send_outbox",
        "schedule": REMINDER_SCAN_SECONDS,
    },
    # manage.py refresh_search_documents: renamed residents are found again.
    "refresh-search-documents": {
        "task": "citizens.tasks.refresh_search_documents",
        "schedule": cron(hour=4, minute=40),
    },
}
# A claimed batch of reminders or e-mails whose worker died is picked up again after
# this many seconds; it must be longer than a batch takes (well under a second).
NOTIFICATIONS_LEASE_SECONDS = env_int("NOTIFICATIONS_LEASE_SECONDS", default=300)
# Reminders claimed and processed per transaction by the scanner.
NOTIFICATIONS_BATCH_SIZE = env_int("NOTIFICATIONS_BATCH_SIZE", default=1000)

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # django-axes logs every login at INFO; failures and lockouts come at WARNING.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Django's admin site is for platform operators (superusers) only, at a path that is
# not guessed by scanners.
ADMIN_URL = env("DJANGO_ADMIN_URL", default="beheer-django/").lstrip("/")
if not ADMIN_URL.endswith("/"):
    ADMIN_URL += "/"

# Dashboards: built reports stay downloadable this many days; the summary tables are
# refreshed every minute (also `manage.py refresh_dashboards`), stale reports are
# removed hourly (also `manage.py clear_expired_reports`); the monthly reports are
# created daily from the first working day (also `manage.py create_monthly_reports`).
DASHBOARD_REPORT_RETENTION_DAYS = env_int("DASHBOARD_REPORT_RETENTION_DAYS", default=30)
CELERY_BEAT_SCHEDULE.update(
    {
        "refresh-dashboards": {
            "task": "dashboards.tasks.refresh_summaries",
            "schedule": cron(),
        },
        "clear-expired-reports": {
            "task": "dashboards.tasks.clear_expired_reports",
            "schedule": cron(minute=41),
        },
        "create-monthly-reports": {
            "task": "dashboards.tasks.create_monthly_reports",
            "schedule": cron(hour=7, minute=5),
        },
    }
)

# Retention per legal basis, in days after a request was closed (drafts: after the last
# change; access log: after the look). The README's retention table gives the sources.
PRIVACY_RETENTION_DAYS = {
    "wmo": env_int("RETENTION_WMO_DAYS", default=7 * 365),
    "youth": env_int("RETENTION_YOUTH_DAYS", default=20 * 365),
    "participation": env_int("RETENTION_PARTICIPATION_DAYS", default=7 * 365),
    "other": env_int("RETENTION_OTHER_DAYS", default=2 * 365),
    "draft": env_int("RETENTION_DRAFT_DAYS", default=30),
    "access_log": env_int("RETENTION_ACCESS_LOG_DAYS", default=5 * 365),
    "security_log": env_int("RETENTION_SECURITY_LOG_DAYS", default=5 * 365),
    "resident_account": env_int("RETENTION_RESIDENT_ACCOUNT_DAYS", default=2 * 365),
}
# How long a resident's consent to share with a partner or volunteer lasts when nobody
# chooses another end date; after it, nothing more is shared (citizens.Consent).
CONSENT_VALID_DAYS = env_int("CONSENT_VALID_DAYS", default=365)
# manage.py purge_personal_data [--dry-run]
CELERY_BEAT_SCHEDULE["purge-personal-data"] = {
    "task": "privacy.tasks.purge_personal_data",
    "schedule": cron(hour=5, minute=10),
}
