"""An analysis declared once: its parameters (names, defaults, bounds, help), what it reads
from the store, and the function that computes it. The HTTP routes, the command line's
subcommands and the map views are all made from these declarations (``graph.analysis.ANALYSES``),
so their defaults and bounds cannot drift apart.

>>> top = Param("top", int, 10, "how many to list", ge=1, le=100)
>>> top.flag, top.check(5)
('--top', 5)
>>> top.check(0)
Traceback (most recent call last):
...
graph.errors.InvalidInput: top must be at least 1 (got 0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from graph.analysis.collab import Weights
from graph.errors import InvalidInput

if TYPE_CHECKING:
    import networkx as nx

    from graph.store.base import GraphStore

REQUIRED: Any = object()
"""The default of a parameter that must be given (an id)."""


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter of an analysis, as its function takes it (``name``) and as people and
    programs give it (``--min-size`` on the command line, ``min_size`` in the query)."""

    name: str
    type: type[Any]
    """``int``, ``float``, ``str`` or ``Weights`` (given as repeatable ``KIND=VALUE`` items)."""
    default: Any
    help: str
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    choices: tuple[str, ...] | None = None
    max_length: int | None = None
    api_name: str | None = None
    """The query or path name, where it is not ``name`` (``from``, a Python keyword)."""
    in_path: bool = False
    """Part of the route's path (``/nodes/{node}/recommendations``); positional on the CLI."""
    metavar: str | None = None
    examples: tuple[Any, ...] = ()

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @property
    def positional(self) -> bool:
        """Given without a flag on the command line (``recommend ID``, ``path FROM TO``)."""
        return self.required

    @property
    def query(self) -> str:
        return self.api_name or self.name

    @property
    def flag(self) -> str:
        return "--" + ("weight" if self.type is Weights else self.name.replace("_", "-"))

    def check(self, value: Any) -> Any:
        """``value`` if it is within this parameter's bounds and choices; else ``InvalidInput``
        naming the parameter."""
        if self.type is Weights:
            if not isinstance(value, Weights):
                raise InvalidInput(f"{self.name} must be Weights, not {type(value).__name__}")
            return value
        if value is None and not self.required:
            return value
        if self.type in (int, float) and isinstance(value, bool | str):
            raise InvalidInput(f"{self.name} must be a number (got {value!r})")
        if self.type is float and isinstance(value, int):
            value = float(value)
        if not isinstance(value, self.type):
            raise InvalidInput(f"{self.name} must be {self.type.__name__} (got {value!r})")
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidInput(f"{self.name} must be a finite number (got {value!r})")
        if self.ge is not None and value < self.ge:
            raise InvalidInput(f"{self.name} must be at least {self.ge:g} (got {value})")
        if self.gt is not None and value <= self.gt:
            raise InvalidInput(f"{self.name} must be more than {self.gt:g} (got {value})")
        if self.le is not None and value > self.le:
            raise InvalidInput(f"{self.name} must be at most {self.le:g} (got {value})")
        if self.choices is not None and value not in self.choices:
            raise InvalidInput(f"{self.name} must be one of {', '.join(self.choices)}")
        if self.max_length is not None and len(value) > self.max_length:
            raise InvalidInput(f"{self.name} is longer than {self.max_length} characters")
        return value

    def describe(self) -> str:
        """The help text with the default and the bounds, for ``--help`` and ``/docs``."""
        bounds = [f"{op} {v:g}" for op, v in ((">=", self.ge), (">", self.gt), ("<=", self.le))
                  if v is not None]  # fmt: skip
        extra = (
            [f"default {self.default}"] if not self.required and self.type is not Weights else []
        )
        if bounds:
            extra.append(", ".join(bounds))
        return self.help + (f" ({'; '.join(extra)})" if extra else "")


WEIGHTS = Param(
    "weights",
    Weights,
    None,
    "change an evidence weight, KIND=VALUE, repeatable (kinds: "
    + ", ".join(Weights().as_dict())
    + ")",
    api_name="weight",
    metavar="KIND=VALUE",
    examples=(["borders=0"],),
)
"""The collaboration graph's weights, a parameter of every analysis that reads it."""

Fetch = Callable[["GraphStore", date, Mapping[str, Any]], "nx.MultiDiGraph[str]"]


@dataclass(frozen=True, slots=True)
class Analysis:
    """One analysis: ``run(G, **parameters)`` over the graph that ``needs`` reads from the
    store (the whole graph as at the day, when ``needs`` is ``None``)."""

    name: str
    """The CLI subcommand and the cache key."""
    summary: str
    """One line, for ``--help`` and ``/docs``."""
    run: Callable[..., dict[str, Any]]
    route: str
    """The HTTP path; ``{name}`` parts are the parameters with ``in_path``."""
    params: tuple[Param, ...] = ()
    needs: Fetch | None = None
    """What it reads: ``None`` for the whole graph as at a day, or a function that reads only
    the part it needs (a node's neighbourhood) with the store's read methods."""
    paginate: str | None = None
    """The list in the result that the API and the CLI page through (``limit``/``offset``)."""
    map_view: bool = False
    """Whether a map can show one item of the result (``/maps/{name}/{n}``)."""
    notes: dict[str, str] = field(default_factory=dict)

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)

    def arguments(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """Keyword arguments for ``run``: every parameter, given or its default, checked.
        Unknown names and missing required parameters are ``InvalidInput``."""
        unknown = set(given) - {p.name for p in self.params}
        if unknown:
            raise InvalidInput(f"{self.name} takes no parameter {', '.join(sorted(unknown))}")
        out: dict[str, Any] = {}
        for p in self.params:
            value = given.get(p.name, p.default)
            if value is REQUIRED:
                raise InvalidInput(f"{self.name} needs {p.name}")
            if p.type is Weights and value is None:
                value = Weights()
            out[p.name] = p.check(value)
        return out

    def compute(self, G: nx.MultiDiGraph[str], arguments: Mapping[str, Any]) -> dict[str, Any]:
        return self.run(G, **arguments)

    def fetch(
        self, store: GraphStore, at: date, arguments: Mapping[str, Any]
    ) -> nx.MultiDiGraph[str]:
        """The graph this analysis reads, as at ``at``: its own part (``needs``), or the
        store's ``analysis_graph`` (the whole graph with only what analyses read)."""
        if self.needs is None:
            return store.analysis_graph(at)
        return self.needs(store, at, arguments)


def cache_key(arguments: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """A hashable form of checked arguments (``Weights`` is a frozen dataclass)."""
    return tuple(sorted(arguments.items()))
