"""An answer's bytes as JSON, and the numbers JSON does not allow.

Find a Tender has served numbers such as ``1e9999`` (beyond a double) and zero-padded ones
(``000``); other publishers write ``NaN`` or ``Infinity``. Where the answer does not parse, the
numbers outside strings are repaired: a value beyond a double, ``NaN`` and ``Infinity`` become
``null`` (no amount is better than an infinite one), a zero-padded number loses its padding. A
string is never touched. Each repair is counted in the fetch report.
"""

from __future__ import annotations

import math
import re
from typing import Any

import orjson

TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|-?(?:NaN|Infinity)\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?')
PADDED = re.compile(r"-?0\d")


class NotJson(ValueError):
    """The answer is not JSON, even repaired."""


def decode_json(content: bytes, *, encoding: str) -> tuple[Any, int]:
    """``(value, repairs)`` for an answer's body in ``encoding``. Raises ``NotJson``."""
    try:
        text = content.decode(encoding).removeprefix("\ufeff")
    except (UnicodeDecodeError, LookupError) as e:
        raise NotJson(f"not {encoding} text ({e})") from e
    try:
        return orjson.loads(text), 0
    except orjson.JSONDecodeError as e:
        first = e
    repaired, count = repair_numbers(text)
    if count:
        try:
            return orjson.loads(repaired), count
        except orjson.JSONDecodeError as e:
            first = e
    raise NotJson(f"not valid JSON ({first}; {len(content):,} bytes)") from first


def repair_numbers(text: str) -> tuple[str, int]:
    """``text`` with the invalid numbers outside strings repaired, and how many were."""
    count = 0

    def fix(match: re.Match[str]) -> str:
        nonlocal count
        token = match.group()
        if token[0] == '"':
            return token
        if token.lstrip("-") in ("NaN", "Infinity"):
            count += 1
            return "null"
        value = float(token)
        if math.isinf(value):
            count += 1
            return "null"
        if PADDED.match(token):
            count += 1
            return str(int(value)) if value.is_integer() and "." not in token else repr(value)
        return token

    return TOKEN.sub(fix, text), count
