"""Loaders: read public data and users' files into the graph, validating every row."""

from loaders.bundled import bundled_dir, bundled_files, load_bundled
from loaders.detect import FORMATS, detect_format
from loaders.load import LoadInput, load_files
from loaders.progress import LoadProgress
from loaders.report import FileReport, LoadReport

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
