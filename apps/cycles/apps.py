from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "apps.cycles"
    label = "cycles"
    verbose_name = "Appraisal cycles"
