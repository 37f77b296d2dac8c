from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "portcullis.api"
    label = "api"
    verbose_name = "API"
