from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "portcullis.web"
    label = "web"
    verbose_name = "Web"
