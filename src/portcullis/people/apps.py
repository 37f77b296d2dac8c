from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "portcullis.people"
    label = "people"
    verbose_name = "People"
