"""The examples in the docstrings are run: they must stay true."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

import graph.analysis.spec
import graph.lazy
import graph.model
import graph.store.base
import loaders.buyers
import loaders.frameworks


@pytest.mark.parametrize(
    "module",
    [
        graph.analysis.spec,
        graph.lazy,
        graph.model,
        graph.store.base,
        loaders.buyers,
        loaders.frameworks,
    ],
)
def test_docstring_examples(module: ModuleType) -> None:
    failed, tried = doctest.testmod(module)
    assert tried > 0 and failed == 0
