"""The REST API at /api/v1: django-ninja, OpenAPI 3, token or session authentication,
errors as RFC 9457 problem+json naming the field."""
