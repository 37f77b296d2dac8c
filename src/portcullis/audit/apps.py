from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "portcullis.audit"
    label = "audit"
    verbose_name = "Audit"
