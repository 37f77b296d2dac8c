"""Home page per role: each context registers the tiles its users need, and panels for the person page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from portcullis.workforce.authority import can


@dataclass(frozen=True)
class Tile:
    title: str
    url_name: str
    description: str
    action: str
    functions: tuple[str, ...] = ()  # team functions the tile is for; empty = everyone allowed


tiles: list[Tile] = [
    Tile("Find a person", "web:people-search", "Search by name in any script, date of birth or document number.",
         "person.search"),
]
person_panels: list[Callable] = []
# Where a signed-in user who is not staff lands (a person's own account, for example): each hook
# returns a URL for the users it knows, or None.
landing_pages: list[Callable] = []


def register_tile(tile: Tile) -> None:
    tiles.append(tile)


def tiles_for(user) -> list[Tile]:
    staff = getattr(user, "staff", None)
    function = staff.team.function if staff else None
    return [t for t in tiles if can(user, t.action) and (not t.functions or function in t.functions)]


def landing_for(user) -> str | None:
    """The page a signed-in user without a staff profile should see instead of the staff home."""
    if getattr(user, "staff", None) is not None:
        return None
    for hook in landing_pages:
        url = hook(user)
        if url:
            return url
    return None
