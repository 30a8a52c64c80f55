"""Search: the nodes that match what someone typed and the filters they chose, best first.

A pure function of the store's ``search_rows(at)`` and the names each node is also known by
(``variants``: id -> names; the API passes mySociety's name variants, which ``graph`` does not
read itself). Each node's names (its name, its official name, its variants) and codes (its id
and former codes) are scored against the query, and the best of them is the node's score:

==========================================================  ==========
the query is                                                 score
==========================================================  ==========
the id, a former code, or a name (after normalising)         100
the start of a name or of an id ("north york", "E0800003")   96-99
every word of it in a name, in any order, each word whole    90-95
or as the start of a word ("york north")
close: words with typos, a word missing ("Lancashre")        below 90
==========================================================  ==========

The close score weighs each word of the query by how rare it is among all the names (a rare
word like "3c" or "kent" says more than "shared" or "council") and compares it with the most
similar word of the name (rapidfuzz's ``ratio``; the start of a word counts as whole), with a
little of the whole string's similarity. Normalising is rapidfuzz's ``default_process``
(lower case, punctuation to spaces) with "&" read as "and".

A node is listed when its score is at least ``MIN_SCORE`` and within ``MARGIN`` of the best
node's: a full name typed gives that node alone; a word gives every node with that word; a
typo gives the close matches. Order: score (best first), then name, then id.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process, utils

from graph.errors import InvalidInput
from graph.model import NodeKind
from graph.store.records import SearchRow

__all__ = ["MARGIN", "MIN_SCORE", "SearchRow", "search"]

MIN_SCORE = 70.0
"""No node scoring less is listed."""
MARGIN = 10.0
"""Nor one scoring more than this below the best."""
PREFIX_LETTERS = 3
"""A query word this long or longer matches the words it starts ("york" in "yorkshire")."""
CLOSE_WORD = 50.0
"""Word similarities below this count as nothing."""


def search(  # noqa: PLR0917 - the filters are positional where the API calls them
    rows: Iterable[SearchRow],
    variants: Mapping[str, Iterable[str]],
    q: str | None = None,
    kind: str | None = None,
    council_type: str | None = None,
    region: str | None = None,
    combined_authority: str | None = None,
    county: str | None = None,
) -> list[dict[str, Any]]:
    """The nodes among ``rows`` that match every filter given and, with ``q``, its best
    matches (best first; else every match, by name then id).

    Filters: ``kind``, ``council_type``; ``region`` (the region a node is within, or its
    nation); ``combined_authority`` (one it is a member of or within); ``county`` (a county it
    is within). Each item is ``{id, name, kind}`` with the node's ``official_name``,
    ``full_name``, ``council_type`` and ``former_codes`` where it has them.

    The words of the names are worked out once for the latest ``rows`` and ``variants``
    given: a caller that keeps both (per data version) pays for that once.
    """
    if kind is not None and kind not in {str(k) for k in NodeKind}:
        raise InvalidInput(f"unknown kind {kind!r}; kinds: {', '.join(sorted(map(str, NodeKind)))}")
    given = rows
    rows = rows if isinstance(rows, list) else list(rows)

    def wanted(r: SearchRow) -> bool:
        return (
            (kind is None or r.kind == kind)
            and (council_type is None or r.council_type == council_type)
            and (region is None or r.region == region)
            and (combined_authority is None or combined_authority in r.combined_authorities)
            and (county is None or county in r.counties)
        )

    query = _words(q or "")
    if not query:
        found = sorted(filter(wanted, rows), key=lambda r: (r.name.casefold(), r.id))
        return [_item(r) for r in found]
    scorer = _Scorer(query, _names(given, rows, variants))
    # Score the rows that may score 90 or more first; then only the others that may still
    # reach what those set as the bar (the same answer as scoring every row: a test checks).
    strong = scorer.strong()
    scored = [(scorer.row(rows[i]), rows[i]) for i in sorted(strong) if wanted(rows[i])]
    bar = max(MIN_SCORE, max((s for s, _ in scored), default=0.0) - MARGIN)
    weak = scorer.weak(bar)
    others = (
        (i for i in range(len(rows)) if i not in strong) if weak is None else sorted(weak - strong)
    )
    scored += [(scorer.row(rows[i]), rows[i]) for i in others if wanted(rows[i])]
    best = max((s for s, _ in scored), default=0.0)
    keep = max(MIN_SCORE, best - MARGIN)
    ranked = sorted(
        ((s, r) for s, r in scored if s >= keep),
        key=lambda x: (-x[0], x[1].name.casefold(), x[1].id),
    )
    return [_item(r) for _, r in ranked]


def _words(text: str) -> tuple[str, ...]:
    return tuple(utils.default_process(text.replace("&", " and ")).split())


def _item(row: SearchRow) -> dict[str, Any]:
    item: dict[str, Any] = {"id": row.id, "name": row.name, "kind": str(row.kind)}
    if row.official_name is not None:
        item["official_name"] = row.official_name
    if row.full_name is not None:
        item["full_name"] = row.full_name
    if row.council_type is not None:
        item["council_type"] = row.council_type
    if row.former_codes:
        item["former_codes"] = ";".join(row.former_codes)
    return item


_latest: tuple[object, list[SearchRow], Mapping[str, Iterable[str]], _Names] | None = None


def _names(given: object, rows: list[SearchRow], variants: Mapping[str, Iterable[str]]) -> _Names:
    """The index of ``rows``: remembered for the same rows object and variants (a caller that
    keeps both per data version builds it once), else compared row by row."""
    global _latest  # noqa: PLW0603 - one remembered index, replaced whole
    latest = _latest
    if latest is not None and latest[2] is variants and (latest[0] is given or latest[1] == rows):
        return latest[3]
    names = _Names(rows, variants)
    _latest = (given, rows, variants, names)
    return names


class _Names:
    """Every row's names (each as its text and its words) and codes, and how rare each word
    is among the names."""

    def __init__(self, rows: Sequence[SearchRow], variants: Mapping[str, Iterable[str]]) -> None:
        self.names: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        self.codes: dict[str, list[str]] = {}
        self.rows_with: dict[str, list[int]] = {}
        """Each word -> the rows (their index) whose names have it."""
        code_rows: list[tuple[str, int]] = []
        df: Counter[str] = Counter()
        for index, r in enumerate(rows):
            texts = [r.name, r.official_name or "", r.full_name or "", *variants.get(r.id, ())]
            names = list(dict.fromkeys(w for w in map(_words, texts) if w))
            self.names[r.id] = [(" ".join(name), name) for name in names]
            self.codes[r.id] = [" ".join(_words(c)) for c in (r.id, *r.former_codes)]
            code_rows.extend((c, index) for c in self.codes[r.id])
            words = {w for name in names for w in name}
            df.update(words)
            for w in words:
                self.rows_with.setdefault(w, []).append(index)
        self.vocabulary = sorted(df)
        self.idf = {w: math.log(1 + len(rows) / n) for w, n in df.items()}
        self.rare = math.log(1 + len(rows))
        code_rows.sort()
        self.code_keys = [c for c, _ in code_rows]
        self.code_rows = [i for _, i in code_rows]

    def starting(self, prefix: str) -> list[str]:
        """The words of the vocabulary that start with ``prefix``."""
        start = bisect_left(self.vocabulary, prefix)
        end = bisect_left(self.vocabulary, prefix + "\U0010ffff", start)
        return self.vocabulary[start:end]

    def rows_of_codes_starting(self, prefix: str) -> list[int]:
        start = bisect_left(self.code_keys, prefix)
        end = bisect_left(self.code_keys, prefix + "\U0010ffff", start)
        return self.code_rows[start:end]


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    weight: float
    close: dict[str, float]
    """Each word of the vocabulary like this one, with its similarity (0-100)."""


class _Scorer:
    """Scores rows against the query. Word similarities are worked out as rows need them (a
    name index of 100,000 nodes has as many words: comparing the query with all of them for
    every search would be most of its cost)."""

    def __init__(self, query: tuple[str, ...], names: _Names) -> None:
        self.text = " ".join(query)
        self.names = names
        self.words = [_Word(w, names.idf.get(w, names.rare), {}) for w in dict.fromkeys(query)]
        self.total = sum(w.weight for w in self.words)
        self.rarest = max(self.words, key=lambda w: w.weight)

    def similarity(self, word: _Word, other: str) -> float:
        """100 for the word or a word it starts (of 3 letters or more); else rapidfuzz's
        ``ratio``, counted only from CLOSE_WORD."""
        found = word.close.get(other)
        if found is None:
            if len(word.text) >= PREFIX_LETTERS and other.startswith(word.text):
                found = 100.0
            else:
                found = fuzz.ratio(word.text, other)
                found = found if found >= CLOSE_WORD else 0.0
            word.close[other] = found
        return found

    def strong(self) -> set[int]:
        """The rows that may score 90 or more: a word the rarest query word is or starts (a
        name the query starts has one), or a code the query starts."""
        rarest, names = self.rarest.text, self.names
        words = names.starting(rarest)
        found = {i for w in words for i in names.rows_with.get(w, ())}
        found.update(names.rows_of_codes_starting(self.text))
        return found

    def weak(self, keep: float) -> set[int] | None:
        """The other rows that may still score ``keep``, by how close their words come to the
        rarest query word (the weighted score has a ceiling for each similarity of it); None
        when a row could score it without that word at all (then every row is scored)."""
        share = self.rarest.weight / self.total
        if 0.89 * (85 * (1 - share) + 15) >= keep:
            return None
        lowest = max(CLOSE_WORD, 100 - (100 - keep / 0.89) / (0.85 * share))
        if lowest > 100:
            return set()
        close = process.extract(self.rarest.text, self.names.vocabulary, scorer=fuzz.ratio,
                                limit=None, score_cutoff=lowest)  # fmt: skip
        return {i for w, _, _ in close for i in self.names.rows_with.get(w, ())}

    def row(self, row: SearchRow) -> float:
        query = self.text
        codes = self.names.codes[row.id]
        if query in codes:
            return 100.0
        best = max((96 + 3 * len(query) / len(c) for c in codes if c.startswith(query)), default=0)
        for text, words in self.names.names[row.id]:
            if text == query:
                return 100.0
            if text.startswith(query):
                best = max(best, 96 + 3 * len(query) / len(text))
            elif best < 96 and any(self.similarity(w, n) for w in self.words for n in words):
                best = max(best, self._close(text, words))
        return best

    def _close(self, text: str, words: tuple[str, ...]) -> float:
        """Every word found (whole or as a word's start): 90-95, by how much of the name the
        query covers; else below 90, by how similar the words and the whole text are."""
        similar = [max(self.similarity(w, n) for n in words) for w in self.words]
        if min(similar) == 100:
            matched = sum(
                len(n) for n in words if any(self.similarity(w, n) == 100 for w in self.words)
            )
            return 90 + 5 * matched / (len(text) - len(words) + 1)
        weighted = sum(w.weight * s for w, s in zip(self.words, similar, strict=True))
        return 0.89 * (0.85 * weighted / self.total + 0.15 * fuzz.ratio(self.text, text))
