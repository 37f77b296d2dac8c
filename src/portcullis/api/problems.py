"""RFC 9457 problem details."""

from __future__ import annotations

from django.http import JsonResponse

PROBLEM_TYPES = "https://portcullis.invalid/problems/"


def problem(status: int, title: str, detail: str = "", errors: list[dict] | None = None, **extra) -> JsonResponse:
    body = {"type": PROBLEM_TYPES + title.lower().replace(" ", "-"), "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return JsonResponse(body, status=status, content_type="application/problem+json",
                        json_dumps_params={"ensure_ascii": False})


def field_from_loc(loc) -> str:
    """('body', 'payload', 'names', 0, 'full_name') -> 'names[0].full_name'."""
    parts = [p for p in loc if p not in ("body", "payload", "query", "path", "form", "data")]
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out or ".".join(str(p) for p in loc)
