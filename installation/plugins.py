"""Hooks by which an app adds to the demo, the data generator and the benchmark without core knowing it.

An app opts in by defining, in its own modules:

- ``<app>/demo.py``: ``extend_demo(*, users: dict[str, User]) -> None`` (users by e-mail address),
  called once when the demo town is first created, after the older apps' demo data;
- ``<app>/generator.py``: ``extend_generated(*, scale_name: str, rng: random.Random, batch: int)
  -> dict[str, int]`` (counts of what it created), called after the ideas and projects exist;
- ``<app>/benchmarks.py``: ``benchmark_results(*, runs: int) -> list[core.benchmarking.Result]``.

Apps are visited in INSTALLED_APPS order; `search` comes last so it indexes everything the
others created.
"""

import importlib
from collections.abc import Callable
from types import ModuleType

from django.apps import apps


def app_hooks(module_name: str, function_name: str) -> list[Callable]:
    hooks = []
    for config in apps.get_app_configs():
        module = _optional_module(f"{config.name}.{module_name}")
        if module is not None and callable(getattr(module, function_name, None)):
            hooks.append(getattr(module, function_name))
    return hooks


def _optional_module(dotted: str) -> ModuleType | None:
    try:
        return importlib.import_module(dotted)
    except ModuleNotFoundError as error:
        if error.name is not None and dotted.startswith(error.name):
            return None  # the app has no such module
        raise
