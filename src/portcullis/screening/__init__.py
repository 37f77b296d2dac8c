"""Portcullis screening engine: watchlist entries, name matching, candidate index and hits.

Pure Python (no Django).  Typical use::

    from portcullis.screening import Index, Query, load_csv
    entries, errors = load_csv("list.csv", list_id="wanted")
    index = Index(entries)
    hits = index.screen(Query(id="t1", names=["Mohammed Ali Hassan"], birth_dates=["1970"]))
"""

from .index import Index
from .loaders import LoadError, load_csv, load_ftm_jsonl, load_jsonl, load_people, load_watchlist
from .model import ACTIONS, Hit, Query, Thresholds, WatchlistEntry
from .names import match_names, name_similarity
from .normalize import fold_text, tokens
from .scoring import score_pair

__all__ = [
    "ACTIONS",
    "Hit",
    "Index",
    "LoadError",
    "Query",
    "Thresholds",
    "WatchlistEntry",
    "fold_text",
    "load_csv",
    "load_ftm_jsonl",
    "load_jsonl",
    "load_people",
    "load_watchlist",
    "match_names",
    "name_similarity",
    "score_pair",
    "tokens",
]
