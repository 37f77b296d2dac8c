from django.conf import settings
from django.db import models

ACTION_CHOICES = [("refuse_entry", "Refuse entry"), ("arrest", "Arrest"), ("refer", "Refer"), ("notify", "Notify")]


class Watchlist(models.Model):
    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    default_action = models.CharField(max_length=20, choices=ACTION_CHOICES, default="refer")
    threshold = models.FloatField(default=0.75, help_text="Score at or above which a hit is raised")
    action_thresholds = models.JSONField(default=dict, blank=True,
                                         help_text="Per action, e.g. {\"arrest\": 0.7}; overrides the list threshold")
    version = models.CharField(max_length=40, blank=True, help_text="Digest of the entries, changed by every import")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name


class Entry(models.Model):
    watchlist = models.ForeignKey(Watchlist, on_delete=models.PROTECT, related_name="entries")
    entry_id = models.CharField(max_length=100)
    names = models.JSONField()
    birth_dates = models.JSONField(default=list)
    nationalities = models.JSONField(default=list)
    gender = models.CharField(max_length=1, blank=True)
    document_numbers = models.JSONField(default=list)
    action = models.CharField(max_length=20, choices=ACTION_CHOICES)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["watchlist", "entry_id"], name="unique_watchlist_entry")]
        verbose_name_plural = "entries"


class Screening(models.Model):
    """One screening of one person against every list, with the list versions it used."""

    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="screenings")
    subject = models.JSONField(help_text="What was screened: names, birth dates, nationalities, documents")
    purpose = models.CharField(max_length=50, help_text="e.g. api, pre-arrival, primary control, application")
    list_versions = models.JSONField()
    hits = models.JSONField(default=list)
    hit_count = models.PositiveIntegerField(default=0, db_index=True)
    screened_at = models.DateTimeField(auto_now_add=True)
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-screened_at"]
