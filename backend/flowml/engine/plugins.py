"""Plugins: algorithms and preprocessors that other installed distributions provide through entry points.

A distribution declares them in its metadata (pyproject.toml):

    [project.entry-points."flowml.algorithms"]
    ridge_rff = "my_package.algorithm:RidgeRFFAlgorithm"
    [project.entry-points."flowml.preprocessors"]
    quantile_clip = "my_package.preprocessor:QuantileClip"

Each entry point names an `Algorithm` (or `Preprocessor`) subclass or instance. Loading one runs its import and a
short contract check (names, tasks, a valid space per task, defaults inside it, a buildable estimator); anything
that fails — an import error, a wrong type, a name a built-in already has, an invalid space — makes that entry point
*broken*: it is logged once and reported (`GET /api/plugins`), and the rest of FlowML and the other plugins carry on.
Built-ins win every name clash; between two plugins the one whose distribution name sorts first wins, and the
other is reported.

`installed_plugins()` does this once per process; `flowml.engine.algorithms.default_registry()` adds the loaded
algorithms (with their distribution and version as origin), so the search, the API, the CLI and workers all see
them. `flowml.testing` runs the full contract (fits, predictions) on a plugin's class; this module only checks what
is cheap enough to do at every start.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import metadata
from typing import Any

from pydantic import BaseModel, Field

from flowml.engine.preprocessor import STEPS_KEY, Preprocessor, Preprocessors, default_preprocessors, split_params
from flowml.engine.registry import Algorithm, AlgorithmOrigin, Registry
from flowml.engine.space import SearchSpace
from flowml.engine.trial import one_line_error
from flowml.engine.types import ProblemType

logger = logging.getLogger(__name__)

ALGORITHM_GROUP = "flowml.algorithms"
PREPROCESSOR_GROUP = "flowml.preprocessors"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


class PluginKind(StrEnum):
    ALGORITHM = "algorithm"
    PREPROCESSOR = "preprocessor"


GROUPS: dict[PluginKind, str] = {PluginKind.ALGORITHM: ALGORITHM_GROUP, PluginKind.PREPROCESSOR: PREPROCESSOR_GROUP}


class PluginEntry(BaseModel):
    """One entry point, as found in a distribution's metadata."""

    entry_point: str = Field(description="The entry point's name")
    target: str = Field(description="What it points to, 'module:attribute'")
    kind: PluginKind
    package: str | None = Field(description="The distribution that declares it")
    version: str | None = Field(description="That distribution's version")


class LoadedPlugin(PluginEntry):
    provides: str = Field(description="The algorithm's or preprocessor's name, as jobs and the API use it")


class BrokenPlugin(PluginEntry):
    error: str = Field(description="Why it was left out, one line")


class PluginReport(BaseModel):
    """What this process found: the plugins in use, and the ones left out with the reason."""

    loaded: list[LoadedPlugin] = Field(default_factory=list)
    broken: list[BrokenPlugin] = Field(default_factory=list)

    def packages(self) -> dict[str, str | None]:
        """Distribution -> version of every distribution with a loaded plugin (what a worker advertises)."""
        return {p.package: p.version for p in self.loaded if p.package is not None}


@dataclass(frozen=True)
class InstalledPlugins:
    report: PluginReport
    algorithms: Registry  # the loaded plugin algorithms, each with its distribution and version as origin
    preprocessors: Preprocessors


class PluginError(Exception):
    """A plugin that does not meet the contract; the message is what the report shows."""


def load_plugins(builtin: Registry, entry_points: Iterable[metadata.EntryPoint] | None = None) -> InstalledPlugins:
    """Load and check every entry point of both groups (`entry_points`: the installed ones by default).

    `builtin`: the built-in algorithms, whose names no plugin may take (nor the built-in preprocessors' names).
    Never raises for a plugin's fault.
    """
    from flowml.engine.preprocessors import builtin_preprocessors  # the built-ins implement the contract here

    found = list(entry_points) if entry_points is not None else _installed_entry_points()
    report = PluginReport()
    registries: list[Registry] = []
    builtin_names = {n: "preprocessor" for n in builtin_preprocessors().names()}
    builtin_names |= {n: "algorithm" for n in builtin.names()}
    taken: set[str] = set(builtin_names)
    for ep in (e for e in found if e.group == ALGORITHM_GROUP):
        entry = _entry(ep, PluginKind.ALGORITHM)
        try:
            algorithm: Algorithm = _load(ep, Algorithm)
            check_algorithm_basics(algorithm)
            _check_free(algorithm.name, taken, builtin_names)
            registries.append(Registry.of([algorithm], origin=_origin(entry)))
        except Exception as exc:  # a plugin's fault of any kind is reported, never raised
            _broken(report, entry, exc)
            continue
        taken.add(algorithm.name)
        report.loaded.append(LoadedPlugin(**entry.model_dump(), provides=algorithm.name))
    preprocessors: list[Preprocessor] = []
    for ep in (e for e in found if e.group == PREPROCESSOR_GROUP):
        entry = _entry(ep, PluginKind.PREPROCESSOR)
        try:
            preprocessor: Preprocessor = _load(ep, Preprocessor)
            check_preprocessor_basics(preprocessor)
            # Preprocessors share the algorithms' name space: both prefix their Optuna names in one study.
            _check_free(preprocessor.name, taken, builtin_names)
            preprocessor.origin = _origin(entry)
        except Exception as exc:
            _broken(report, entry, exc)
            continue
        taken.add(preprocessor.name)
        preprocessors.append(preprocessor)
        report.loaded.append(LoadedPlugin(**entry.model_dump(), provides=preprocessor.name))
    return InstalledPlugins(report, Registry.merged(*registries), Preprocessors.of(preprocessors))


@cache
def installed_plugins() -> InstalledPlugins:
    """The installed plugins, loaded and checked once per process (so a broken one is logged once)."""
    from flowml.engine.algorithms import builtin_registry  # the built-ins import the whole model zoo

    return load_plugins(builtin_registry())


def plugin_report() -> PluginReport:
    return installed_plugins().report


def plugins_needed(algorithm: str, params: Mapping[str, Any]) -> list[AlgorithmOrigin]:
    """The plugin distributions, at this process's versions, whose code a trial of `algorithm` with `params` runs
    (its algorithm's and its preprocessors'); empty for a trial of built-ins only. The router sends such a trial only
    to workers that loaded the same versions."""
    from flowml.engine.algorithms import default_registry

    found = default_registry().find(algorithm)
    origins = [found.origin] if found is not None else []
    known = default_preprocessors()
    origins += [known.get(name).origin for name, _ in split_params(params)[1] if name in known]
    return list(dict.fromkeys(o for o in origins if o.source == "plugin"))


def forget_plugins() -> None:
    """Find the plugins again on next use (after installing one into a running process, e.g. in a test)."""
    from flowml.engine.algorithms import default_registry

    installed_plugins.cache_clear()
    default_registry.cache_clear()
    default_preprocessors.cache_clear()


# --- the cheap contract checks ---------------------------------------------------------------------------------


def check_algorithm_basics(algorithm: Algorithm) -> None:
    """What every start checks of a plugin algorithm; raises PluginError saying what is wrong."""
    _check_name(algorithm, "algorithm")
    _check_text(algorithm, "family")
    tasks = getattr(algorithm, "tasks", None)
    if not isinstance(tasks, frozenset) or not tasks or not all(isinstance(t, ProblemType) for t in tasks):
        raise PluginError(f"tasks must be a non-empty frozenset of ProblemType, got {tasks!r}")
    for task in sorted(tasks):
        space = algorithm.space(task)
        defaults = algorithm.default_params(task)
        _check_space(space, defaults, f"{algorithm.name} ({task.value})")
        estimator = algorithm.build(defaults, task, seed=0)
        if not (hasattr(estimator, "fit") and hasattr(estimator, "predict")):
            raise PluginError(f"build() for {task.value} returned {type(estimator).__name__}, which has no fit/predict")


def check_preprocessor_basics(preprocessor: Preprocessor) -> None:
    """What every start checks of a plugin preprocessor; raises PluginError saying what is wrong."""
    _check_name(preprocessor, "preprocessor")
    defaults = preprocessor.default_params()
    _check_space(preprocessor.space(), defaults, preprocessor.name)
    transformer = preprocessor.build(defaults, seed=0)
    if not (hasattr(transformer, "fit") and hasattr(transformer, "transform")):
        raise PluginError(f"build() returned {type(transformer).__name__}, which has no fit/transform")


def _check_name(item: Algorithm | Preprocessor, what: str) -> None:
    name = getattr(item, "name", None)
    if not isinstance(name, str) or not NAME_PATTERN.match(name) or "__" in name or name == STEPS_KEY:
        raise PluginError(f"{what} name {name!r} must be lower_snake_case without '__' (and not {STEPS_KEY!r})")
    _check_text(item, "label")


def _check_text(item: object, attribute: str) -> None:
    value = getattr(item, attribute, None)
    if not isinstance(value, str) or not value.strip():
        raise PluginError(f"{attribute} must be a non-empty string, got {value!r}")


def _check_space(space: object, defaults: object, owner: str) -> None:
    if not isinstance(space, SearchSpace):
        raise PluginError(f"space() of {owner} returned {type(space).__name__}, not a flowml SearchSpace")
    if STEPS_KEY in space.params:
        raise PluginError(f"{owner}: a parameter may not be called {STEPS_KEY!r} (trials use it for their steps)")
    if not isinstance(defaults, dict):
        raise PluginError(f"default_params() of {owner} returned {type(defaults).__name__}, not a dict")
    problems = space.problems(defaults)
    if problems:
        raise PluginError(f"default_params() of {owner} lie outside its space: {'; '.join(problems)}")


def _check_free(name: str, taken: set[str], builtin_names: Mapping[str, str]) -> None:
    """`builtin_names`: every built-in's name -> "algorithm" or "preprocessor" (they share one name space)."""
    if name in builtin_names:
        raise PluginError(f"name clash: {name!r} is a built-in {builtin_names[name]} (built-ins win)")
    if name in taken:
        raise PluginError(f"name clash: another plugin already provides {name!r}")


# --- loading ---------------------------------------------------------------------------------------------------


def _load(ep: metadata.EntryPoint, base: type[Any]) -> Any:
    """The entry point's object as an instance of `base` (an abstract contract, hence `type[Any]`): a subclass is
    instantiated without arguments."""
    loaded: Any = ep.load()
    if isinstance(loaded, type) and issubclass(loaded, base):
        return loaded()
    if isinstance(loaded, base):
        return loaded
    raise PluginError(f"{ep.value} is a {type(loaded).__name__}, not a flowml {base.__name__} subclass or instance")


def _installed_entry_points() -> list[metadata.EntryPoint]:
    found: list[metadata.EntryPoint] = []
    for group in GROUPS.values():
        found.extend(sorted(metadata.entry_points(group=group), key=lambda ep: (_package(ep) or "", ep.name)))
    return found


def _entry(ep: metadata.EntryPoint, kind: PluginKind) -> PluginEntry:
    dist = ep.dist
    return PluginEntry(
        entry_point=ep.name,
        target=ep.value,
        kind=kind,
        package=_package(ep),
        version=dist.version if dist is not None else None,
    )


def _package(ep: metadata.EntryPoint) -> str | None:
    return ep.dist.name if ep.dist is not None else None


def _origin(entry: PluginEntry) -> AlgorithmOrigin:
    return AlgorithmOrigin(source="plugin", package=entry.package, version=entry.version)


def _broken(report: PluginReport, entry: PluginEntry, exc: BaseException) -> None:
    error = one_line_error(exc)
    logger.warning("plugin %s (%s %s) left out: %s", entry.entry_point, entry.package, entry.version, error)
    report.broken.append(BrokenPlugin(**entry.model_dump(), error=error))
