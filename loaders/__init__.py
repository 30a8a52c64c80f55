"""Loaders: read public data and users' files into the graph, validating every row.

Names are loaded on first use (PEP 562): ``loaders.formats`` can be read without the parsers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph.lazy import lazy_exports

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


__getattr__ = lazy_exports(__name__, _WHERE)
