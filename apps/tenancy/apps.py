from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "apps.tenancy"
    label = "tenancy"
    verbose_name = "Tenancy"

    def ready(self):
        # Importing scoping closes the queryset methods django-scopes leaves unguarded.
        from . import generations, scoping  # noqa: F401

        generations.connect()
