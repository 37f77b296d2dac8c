"""Contexts add their own demo data (watchlists, flights, applications) by appending a function here.

Each hook is called as ``hook(rng=..., actor=...)`` after the people exist.
"""

from __future__ import annotations

import importlib

from django.apps import apps


def run_hooks(*, rng, actor) -> None:
    for config in apps.get_app_configs():
        if not config.name.startswith("portcullis."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.demo":
                continue
            raise
        module.build(rng=rng, actor=actor)
