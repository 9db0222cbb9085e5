from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # The reminder kinds of every app register themselves on import; the job
        # monitor listens to Celery's task signals.
        from notifications import jobs, kinds  # noqa: F401
