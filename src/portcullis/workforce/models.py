from django.conf import settings
from django.db import models


class Grade(models.TextChoices):
    AA = "AA", "Administrative Assistant"
    AO = "AO", "Administrative Officer"
    EO = "EO", "Executive Officer"
    HEO = "HEO", "Higher Executive Officer"
    SEO = "SEO", "Senior Executive Officer"
    G7 = "G7", "Grade 7"
    AIO = "AIO", "Assistant Immigration Officer"
    IO = "IO", "Immigration Officer"
    CIO = "CIO", "Chief Immigration Officer"


class Location(models.Model):
    class Kind(models.TextChoices):
        PORT = "port", "Port"
        CASEWORK = "casework", "Casework unit"
        ENFORCEMENT = "enforcement", "Enforcement office"

    code = models.CharField(max_length=10, unique=True, help_text="e.g. LHR for a port, SHF for a casework unit")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Team(models.Model):
    class Function(models.TextChoices):
        BORDER = "border", "Border control"
        CASEWORK = "casework", "Casework"
        STATUS_REVIEW = "status_review", "Status review"
        ENFORCEMENT = "enforcement", "Enforcement and removals"
        ADMIN = "admin", "Administration"
        RECRUITMENT = "recruitment", "Recruitment"

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    function = models.CharField(max_length=20, choices=Function.choices)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="teams")

    def __str__(self) -> str:
        return self.name


class StaffProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff")
    grade = models.CharField(max_length=3, choices=Grade.choices)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="members")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="staff")
    staff_number = models.CharField(max_length=20, unique=True)

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.username} ({self.grade}, {self.team})"
