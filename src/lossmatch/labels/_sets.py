"""Label sets written in one string: find the separator without being told, and split by it.

A string column is read as label sets when its values split on one separator (``|``, ``;``, ``,``, whitespace)
or are list literals (``["a", "b"]``, ``['a', 'b']``) into a small vocabulary of labels that recombine: the
same labels turn up in many different strings, in different places. The guards against false positives are
facts about the values, each named in the evidence:

- the parts keep their places (``New`` always first, ``York`` always second; ``Smith, J.``): one label that
  happens to contain the separator (a name, a place, a path in a hierarchy);
- the parts repeat within a value or run long (free text, not a tag list);
- every value is a number with a decimal comma (``0,50``, ``1.234,5``; integers such as ``1,10`` that could be
  either make the call a guess);
- the vocabulary is no smaller than the number of distinct strings (nothing recombines).

A confident call also needs most labels in several strings and at more than one position, in no fixed order
(sorted, or pairs seen both ways: ``Senior Data Scientist`` keeps its order, tag lists do not); short of that,
or with fewer than three distinct multi-label strings, it is a guess and the evidence says so.

``detect`` returns the separator, whether the call is confident or a guess, and the evidence; ``split_values``
splits with it (an empty string is an empty label set). Whitespace is accepted only when confident: a guess on
spaces would split too much ordinary text.
"""

from __future__ import annotations

import ast
import json
import random
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["LIST_SYNTAX", "SEPARATORS", "WHITESPACE", "SetGuess", "detect", "split_values"]

LIST_SYNTAX = "[list]"  # the label_sep of label sets written as JSON lists or Python list literals
WHITESPACE = " "  # splits on any run of whitespace
SEPARATORS = ("|", ";", ",", WHITESPACE)
MIN_RECOMBINE = 0.5  # share of the labels that occur in at least two distinct strings, for a confident call
MIN_PLACE_OVERLAP = 0.2  # share of the labels of multi-label strings found in more than one position
MIN_POSITIONS_SEEN = 3  # distinct multi-element strings needed before the positions of their parts say anything
MAX_DISTINCT = 50_000  # more distinct strings than this: the facts come from a seeded sample of them
MAX_TAGS = 8  # more parts than this on average reads as text, not a tag list
MIN_SORTED = 0.9  # share of multi-element strings in sorted order that reads as a canonical order of a set
MIN_BOTH_ORDERS = 0.25  # else: share of neighbouring pairs of labels that turn up in both orders
MAX_REPEATS = 0.02  # share of multi-element strings that repeat a part (sets do not)
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL_COMMA = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")


@dataclass(frozen=True)
class SetGuess:
    """``sep`` is the separator (or :data:`LIST_SYNTAX`) when the strings are label sets, else None;
    ``confident`` is False for a real guess; ``evidence`` says what was seen either way."""

    sep: str | None
    confident: bool
    evidence: tuple[str, ...]


def _quote(sep: str) -> str:
    return "whitespace" if sep == WHITESPACE else repr(sep)


def _option(sep: str) -> str:
    return f"--label-sep {sep!r}" if sep != LIST_SYNTAX else "--label-sep"


def _parts(value: str, sep: str) -> list[str]:
    if sep == WHITESPACE:
        return value.split()
    return [part.strip() for part in value.split(sep) if part.strip()]


def _parse_list(value: str) -> list[Any] | None:
    text = value.strip()
    if not text:
        return []
    if not (text.startswith("[") and text.endswith("]")):
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        try:
            parsed = ast.literal_eval(text)  # literals only: never evaluates code
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return None
    if not isinstance(parsed, list) or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in parsed):
        return None
    return parsed


def split_values(values: Sequence[str], sep: str, *, as_int: bool | None = None) -> list[list[Any]]:
    """Each string as its label set (an empty string is an empty set). Parts that are all integer literals
    become ints (``as_int=None`` decides from ``values``; pass the report's choice to split new rows alike).
    Each distinct string is split once."""
    distinct = list(dict.fromkeys(values))
    if sep == LIST_SYNTAX:
        parsed = [_parse_list(v) for v in distinct]
        failed = {v for v, p in zip(distinct, parsed) if p is None}
        bad = [i for i, v in enumerate(values) if v in failed]
        if bad:
            from lossmatch._messages import expected
            from lossmatch.errors import DataError

            raise DataError(expected("labels", "be lists like ['a', 'b'] in every row", f"{len(bad)} other value(s), "
                                     f"first in row {bad[0] + 1}: {values[bad[0]][:40]!r}"))
        sets: list[list[Any]] = parsed  # type: ignore[assignment]
    else:
        sets = [_parts(v, sep) for v in distinct]
    if as_int is None:
        as_int = any(sets) and all(isinstance(p, int) or _INTEGER.match(p) for s in sets for p in s)
    by_value = dict(zip(distinct, ([int(p) for p in s] if as_int else [str(p) for p in s] for s in sets)))
    return [list(by_value[v]) for v in values]


@dataclass(frozen=True)
class _Facts:
    sep: str
    n_values: int  # non-empty values
    n_multi: int  # values with two or more parts
    vocabulary: int
    distinct_sets: int
    recombine: float  # share of labels that occur in >= 2 distinct sets
    place_overlap: float | None  # share of the labels of multi-element values seen in > 1 position (None: too few)
    repeats: float
    mean_parts: float
    example: str  # the most widespread label of the multi-element values, for the evidence
    example_place: int  # its position (1-based) when it only ever takes one
    order_free: bool  # the parts come sorted, or pairs of labels turn up in both orders


def _facts(counts: Mapping[str, int], sep: str) -> _Facts:
    """The facts of one separator over the distinct values (``counts``: value -> rows holding it)."""
    sets_of: dict[str, set[frozenset[str]]] = defaultdict(set)
    places: dict[str, set[int]] = defaultdict(set)
    distinct: set[frozenset[str]] = set()
    n_multi = repeats = total_parts = in_order = distinct_multi = 0
    orders: dict[frozenset[str], set[bool]] = defaultdict(set)
    for value, rows in counts.items():
        parts = _parts(value, sep)
        key = frozenset(parts)
        distinct.add(key)
        for part in key:
            sets_of[part].add(key)
        if len(parts) >= 2:
            n_multi += rows
            distinct_multi += 1
            total_parts += rows * len(parts)
            repeats += rows * (len(key) < len(parts))
            for position, part in enumerate(parts):
                places[part].add(position)
            folded = [p.casefold() for p in parts]
            in_order += rows * (folded == sorted(folded))
            for first, second in zip(parts, parts[1:]):
                if first != second:
                    orders[frozenset((first, second))].add(first < second)
    vocabulary = len(sets_of)
    recombine = sum(len(s) >= 2 for s in sets_of.values()) / max(vocabulary, 1)
    overlap = None
    example, place = "", 0
    if distinct_multi >= MIN_POSITIONS_SEEN and places:
        overlap = sum(len(p) > 1 for p in places.values()) / len(places)
        example = max(places, key=lambda part: (len(sets_of[part]), part))
        place = min(places[example]) + 1
    both_orders = sum(len(o) == 2 for o in orders.values()) / max(len(orders), 1)
    order_free = in_order >= MIN_SORTED * n_multi or both_orders >= MIN_BOTH_ORDERS
    return _Facts(sep, sum(counts.values()), n_multi, vocabulary, len(distinct), recombine, overlap,
                  repeats / max(n_multi, 1), total_parts / max(n_multi, 1), example, place, order_free)


def _share(k: int, n: int, some_empty: bool) -> str:
    return f"{k / n:.0%} of the {n}{' non-empty' if some_empty else ''} values ({k})"


def _decimal_fractions(values: Sequence[str]) -> bool:
    """Digits after the comma that read as a fraction: a leading zero (``1,05``) or one fixed width (``3,50``)."""
    fractions = [v.strip().rsplit(",", 1)[1] for v in values if "," in v]
    widths = {len(f) for f in fractions}
    return any(len(f) > 1 and f.startswith("0") for f in fractions) or (len(widths) == 1 and widths != {1})


def _judge(f: _Facts, values: Sequence[str], some_empty: bool) -> tuple[str, str]:
    """``("sets" | "guess" | "no", why)``."""
    contain = f"{_share(f.n_multi, f.n_values, some_empty)} contain {_quote(f.sep)}"
    numeric = f.sep == "," and all(_DECIMAL_COMMA.match(v.strip()) for v in values)
    if numeric and _decimal_fractions(values):
        return "no", f"{contain}, but every value is a number with a decimal comma"
    if f.repeats > MAX_REPEATS or f.mean_parts > MAX_TAGS:
        return "no", (f"{contain}, but they read as text, not label sets ({f.mean_parts:.1f} parts on average, "
                      f"{f.repeats:.0%} repeat a part)")
    if f.place_overlap == 0.0:
        return "no", (f"{contain}, but the parts keep their places (e.g. {f.example!r} is always part "
                      f"{f.example_place}): one label with the separator inside")
    recombines = f"{f.vocabulary} distinct labels recombine into {f.distinct_sets} different strings"
    if f.vocabulary >= f.distinct_sets or f.recombine < MIN_RECOMBINE / 2:
        return "no", (f"{contain}, but the parts do not recombine ({f.vocabulary} distinct parts in "
                      f"{f.distinct_sets} different strings)")
    if numeric:
        return "guess", f"{contain}; {recombines}, though they could also be numbers with decimal commas"
    if f.place_overlap is None:
        return "guess", f"{contain}; {recombines}, but too few multi-label strings to be sure"
    where = (f"{f.recombine:.0%} of the labels occur in several, {f.place_overlap:.0%} in more than one position"
             f"{', in any order' if f.order_free else ''}")
    if f.recombine >= MIN_RECOMBINE and f.place_overlap >= MIN_PLACE_OVERLAP and f.order_free:
        return "sets", f"{contain}; {recombines} ({where})"
    order = "" if f.order_free else ", and their order looks fixed (neither sorted nor seen both ways)"
    return "guess", f"{contain}; {recombines}, though only {where}{order}"



def detect(values: Sequence[str]) -> SetGuess:
    """Are these strings label sets, and on which separator? Empty strings are left out of the evidence.

    The facts are computed once per distinct string (weighted by its rows), so a million rows of a few hundred
    distinct tag sets cost little; beyond :data:`MAX_DISTINCT` distinct strings (free text, identifiers) a
    seeded sample of them is read.
    """
    counts = Counter(v for v in values if v.strip())
    if not counts:
        return SetGuess(None, True, ())
    some_empty = sum(counts.values()) < len(values)
    if len(counts) > MAX_DISTINCT:
        keys = sorted(counts)
        keep = random.Random(0).sample(range(len(keys)), MAX_DISTINCT)
        counts = Counter({keys[i]: counts[keys[i]] for i in keep})
    filled = list(counts)
    if all(v.strip().startswith("[") and v.strip().endswith("]") for v in filled) and \
            all(_parse_list(v) is not None for v in filled):
        return SetGuess(LIST_SYNTAX, True, (f"every value is a list literal like {filled[0].strip()[:40]!r}: label "
                                            "sets (multilabel)",))
    judged = []
    for sep in SEPARATORS:
        facts = _facts(counts, sep)
        if facts.n_multi:
            judged.append((facts, *_judge(facts, filled, some_empty)))
    if not judged:
        return SetGuess(None, True, ())
    punctuation = [j for j in judged if j[0].sep != WHITESPACE]
    for wanted in ("sets", "guess"):
        found = [j for j in punctuation if j[1] == wanted]
        if found:
            facts, _, why = max(found, key=lambda j: j[0].n_multi)  # the separator most multi-label strings share
            if wanted == "sets":
                return SetGuess(facts.sep, True, (f"{why}: label sets (multilabel)",))
            return SetGuess(facts.sep, False, (f"{why}: read as label sets, a guess; pass --no-split if each string "
                                               f"is one class, or {_option(facts.sep)} to confirm",))
    space = next((j for j in judged if j[0].sep == WHITESPACE), None)
    if space is not None and space[1] == "sets":
        return SetGuess(WHITESPACE, True, (f"{space[2]}: tag lists (multilabel)",))
    facts, _, why = max(judged, key=lambda j: j[0].n_multi)
    return SetGuess(None, False, (f"{why}; read as one label per string; pass {_option(facts.sep)} if they are "
                                  "label sets",))
