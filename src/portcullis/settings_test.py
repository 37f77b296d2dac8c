"""Settings for the test suite: production shape, but plain-HTTP cookies for the live server."""

import os

os.environ.setdefault("PORTCULLIS_MODE", "test")

from portcullis.settings import *  # noqa: E402,F401,F403
from portcullis.settings import DATA_DIR  # noqa: E402

PASSWORD_HASHERS = [
    # Argon2 is what production uses; tests use it too so a login test exercises it.
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": DATA_DIR / "test-files"}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
