"""The backend module Django loads for ``ENGINE = "portcullis.postgresql"`` (see the package)."""

from __future__ import annotations

from django.db.backends.postgresql import base, features, operations

from . import MAX_PARAMS


class DatabaseFeatures(features.DatabaseFeatures):
    max_query_params = MAX_PARAMS


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields, objs):
        """As many rows as fit in one statement's parameters (Django's stock answer is all of them)."""
        return max(1, min(len(objs), MAX_PARAMS // max(1, len(fields))))


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
    ops_class = DatabaseOperations
