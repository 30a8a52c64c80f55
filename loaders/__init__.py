"""Loaders: read public data and users' files into the graph, validating every row.

Names are loaded on first use (PEP 562): ``loaders.formats`` can be read without the parsers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from loaders.bundled import bundled_dir, bundled_files, load_bundled
    from loaders.detect import FORMATS, detect_format
    from loaders.load import LoadInput, load_files
    from loaders.progress import LoadProgress
    from loaders.report import FileReport, LoadReport

_WHERE = {
    "loaders.bundled": ("bundled_dir", "bundled_files", "load_bundled"),
    "loaders.detect": ("FORMATS", "detect_format"),
    "loaders.load": ("LoadInput", "load_files"),
    "loaders.progress": ("LoadProgress",),
    "loaders.report": ("FileReport", "LoadReport"),
}
_MODULE_OF = {name: module for module, names in _WHERE.items() for name in names}

__all__ = [
    "FORMATS",
    "FileReport",
    "LoadInput",
    "LoadProgress",
    "LoadReport",
    "bundled_dir",
    "bundled_files",
    "detect_format",
    "load_bundled",
    "load_files",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'loaders' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
