"""Each analysis is declared once (``graph.analysis.ANALYSES``) and reached the same way from
the command line, the API and the maps: defaults and bounds cannot drift apart."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, REPO, run_cli

from api.cli.main import parser
from api.cli.render import RENDERERS
from api.http import create_app
from graph import Settings
from graph.analysis import ANALYSES, Analysis, Param, Weights
from loaders import FORMATS
from loaders.formats import FORMAT_NAMES
from visualise.views import RESULT_VIEWS


@pytest.fixture(scope="module")
def openapi(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    schema: dict[str, Any] = create_app(Settings(home=tmp_path_factory.mktemp("s"))).openapi()
    return schema


def subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def cli_options(spec: Analysis) -> dict[str, argparse.Action]:
    return {a.dest: a for a in subcommands()[spec.name]._actions}


def api_parameters(openapi: dict[str, Any], path: str) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in openapi["paths"][path]["get"]["parameters"]}


def expected_schema_bounds(p: Param) -> dict[str, Any]:
    names = {"ge": "minimum", "gt": "exclusiveMinimum", "le": "maximum", "max_length": "maxLength"}
    return {names[b]: getattr(p, b) for b in names if getattr(p, b) is not None}


def schema_of(parameter: dict[str, Any]) -> dict[str, Any]:
    """The parameter's schema, with an optional one's ``anyOf [T, null]`` unwrapped."""
    schema = dict(parameter["schema"])
    for option in schema.pop("anyOf", []):
        if option.get("type") != "null":
            schema.update(option)
    return schema


@pytest.mark.parametrize("name", sorted(ANALYSES))
def test_every_analysis_has_a_route_with_the_specs_parameters(
    name: str, openapi: dict[str, Any]
) -> None:
    spec = ANALYSES[name]
    params = api_parameters(openapi, spec.route)
    assert set(params) >= {p.query for p in spec.params} | {"at"}
    for p in spec.params:
        given = params[p.query]
        assert given["required"] is p.required or (not p.required and not given.get("required"))
        assert given["in"] == ("path" if p.in_path else "query")
        schema = schema_of(given)
        if p.type is Weights:
            assert schema["type"] == "array"
            continue
        if not p.required:
            assert schema.get("default") == p.default, (name, p.name)
        for key, value in expected_schema_bounds(p).items():
            assert schema[key] == value, (name, p.name, key)
        if p.choices:
            assert tuple(schema["enum"]) == p.choices
    success = openapi["paths"][spec.route]["get"]["responses"]["200"]["content"]
    assert "$ref" in success["application/json"]["schema"]  # a declared response model
    assert ("limit" in params) is (spec.paginate is not None)


@pytest.mark.parametrize("name", sorted(ANALYSES))
def test_every_analysis_has_a_subcommand_with_the_specs_defaults_and_bounds(name: str) -> None:
    spec = ANALYSES[name]
    options = cli_options(spec)
    assert {"at", "json"} <= set(options)
    for p in spec.params:
        action = options[p.name]
        if p.type is Weights:
            assert action.option_strings == ["--weight"] and action.default == []
            continue
        if p.positional:
            assert not action.option_strings
            continue
        assert action.option_strings == [p.flag]
        assert action.default == p.default, (name, p.name)
        if p.choices:
            assert tuple(action.choices or ()) == p.choices
        assert action.type is not None
        for bound in ("ge", "gt", "le"):
            limit = getattr(p, bound)
            if limit is None:
                continue
            outside = {"ge": limit - 1, "gt": limit, "le": limit + 1}[bound]
            with pytest.raises(argparse.ArgumentTypeError):
                action.type(str(p.type(outside)))
            inside = {"ge": limit, "gt": limit + 1, "le": limit}[bound]
            assert action.type(str(p.type(inside))) == p.type(inside)
    assert ("limit" in options) is (spec.paginate is not None)


def test_every_analysis_has_a_renderer_and_every_map_view_a_view_and_route(
    openapi: dict[str, Any],
) -> None:
    assert set(RENDERERS) == set(ANALYSES)
    with_maps = {name for name, spec in ANALYSES.items() if spec.map_view}
    assert with_maps == set(RESULT_VIEWS) == {"clusters", "candidates"}
    for name in with_maps:
        params = api_parameters(openapi, f"/maps/{name}/{{number}}")
        assert {p.query for p in ANALYSES[name].params} <= set(params)


def test_the_cli_refuses_out_of_bounds_values_with_the_specs_message(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "brokers", "--top", "0")
    assert result.returncode == 2
    assert "top must be at least 1 (got 0)" in result.stderr
    nan = run_cli(tmp_path, "clusters", "--weight", "borders=nan")
    assert nan.returncode == 1 and "give KIND=NUMBER" in nan.stderr


def test_format_names_are_the_loaders_formats() -> None:
    assert tuple(FORMATS) == FORMAT_NAMES


def test_light_imports(tmp_path: Path) -> None:
    """``import graph.model`` does not load the Neo4j driver; ``partnermap load`` never
    imports FastAPI; ``--help`` loads neither NetworkX nor igraph."""
    code = "import sys, graph.model; print('neo4j' in sys.modules, 'networkx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
    load = (
        "import sys; from api.cli import main; "
        f"main(['--home', {str(tmp_path)!r}, 'load', {str(FIXTURES / 'ons' / 'ltla25_codes_names.csv')!r}]); "
        "print('fastapi' in sys.modules, 'uvicorn' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", load], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout.split()[-2:] == ["False", "False"]
    help_ = (
        "import sys; from api.cli.main import parser; parser().format_help(); "
        "print(*(m in sys.modules and type(sys.modules[m]).__name__ == 'module' "
        "for m in ('networkx', 'igraph')))"  # a lazy module not yet loaded is a _LazyModule
    )
    out = subprocess.run([sys.executable, "-c", help_], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
