from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "portcullis.workforce"
    label = "workforce"
    verbose_name = "Workforce"
