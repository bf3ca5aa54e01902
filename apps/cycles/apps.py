from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "apps.cycles"
    label = "cycles"
    verbose_name = "Appraisal cycles"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the people app's hand-over signal)
