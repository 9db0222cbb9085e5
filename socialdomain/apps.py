from django.apps import AppConfig


class SocialDomainConfig(AppConfig):
    name = "socialdomain"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from socialdomain.lib.binding import watch_plans

        connection_created.connect(watch_plans, dispatch_uid="socialdomain-plans")
