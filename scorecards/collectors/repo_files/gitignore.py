"""``.gitignore`` rules, read and matched without running git (see gitignore(5)).

Running git inside a scanned tree would obey that tree's ``.git/config``, and several of its
keys run programs (``core.fsmonitor``, filter drivers, hooks…): so the walker reads the ignore
files itself. Matching is component by component; inside a name the text between stars is searched
leftmost, without backtracking, so a hostile pattern cannot stall a scan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

# Longer lines are no real ignore rule; dropping them bounds the cost of every match.
MAX_PATTERN_CHARS = 1024
# Rules in effect at once (all ignore files from the checkout's top down to one folder).
MAX_RULES = 2000
# What one listing may spend on the rules outside the tables (a name or "*.suffix" anywhere),
# each try charged pattern length × name length plus a fixed 100: about ten seconds of work at
# most, whatever the patterns. Past it only the table rules apply, and the listing says so.
MATCH_BUDGET = 2_000_000_000
_TRY_OVERHEAD = 100


@dataclass
class Budget:
    left: int = MATCH_BUDGET
    exhausted: bool = False


_STAR = ("*",)
_ANY = ("?",)


@dataclass(frozen=True)
class _Segment:
    """One path component of a pattern: literal text, or fixed-length chunks between ``*``."""

    literal: str | None
    chunks: tuple = ()  # each a str or a _Pattern
    star_first: bool = False
    star_last: bool = False

    def matches(self, name: str) -> bool:
        if self.literal is not None:
            return self.literal == name
        return _match_chunks(self, name)


_DOUBLE = _Segment(literal=None)  # zero or more whole components (never matched directly)
_ONE = _Segment(literal=None, chunks=(), star_first=True, star_last=True)  # any one name


@dataclass(frozen=True)
class Rule:
    base: tuple[str, ...]  # folder of the ignore file, relative to the checkout's top
    segments: tuple[_Segment, ...]
    negated: bool
    dir_only: bool
    cost: int = 1  # characters of the pattern: what one match may cost

    @property
    def name_key(self) -> tuple[str, str] | None:
        """``("name", n)`` for "n anywhere", ``("suffix", s)`` for "*s anywhere": the rules
        looked up in a table instead of tried one by one."""
        segments = self.segments
        if len(segments) != 2 or segments[0] is not _DOUBLE or segments[1] is _DOUBLE:
            return None
        last = segments[1]
        if last.literal is not None:
            return ("name", last.literal)
        plain = len(last.chunks) == 1 and isinstance(last.chunks[0], str)
        if plain and last.star_first and not last.star_last:
            return ("suffix", last.chunks[0])
        return None

    def matches(self, parts: tuple[str, ...], is_dir: bool) -> bool:
        if self.dir_only and not is_dir:
            return False
        depth = len(self.base)
        if len(parts) <= depth or parts[:depth] != self.base:
            return False
        rest = parts[depth:]
        segments = self.segments
        if len(segments) == 2 and segments[0] is _DOUBLE and segments[1] is not _DOUBLE:
            return segments[1].matches(rest[-1])  # the common "name anywhere" rule
        return _match_segments(segments, rest)


def parse_rule(line: str, base: tuple[str, ...] = ()) -> Rule | None:
    """One line of an ignore file as a rule, or None for blanks, comments and oddities."""
    line = line.removesuffix("\r")
    if not line or line.startswith("#") or len(line) > MAX_PATTERN_CHARS:
        return None
    while line.endswith(" ") and not line.endswith("\\ "):
        line = line[:-1]
    negated = line.startswith("!")
    if negated:
        line = line[1:]
    dir_only = line.endswith("/")
    line = line.rstrip("/")
    anchored = "/" in line
    parts = [part for part in line.split("/") if part]
    if not parts:
        return None
    segments = [_DOUBLE if part == "**" else _segment(part) for part in parts]
    if not anchored:
        segments.insert(0, _DOUBLE)
    if segments[-1] is _DOUBLE:  # "dir/**" is everything inside dir, not dir itself
        segments.insert(len(segments) - 1, _ONE)
    return Rule(tuple(base), tuple(segments), negated, dir_only, cost=len(line) + 1)


class IgnoreRules:
    """The rules in effect in one folder: later rules (deeper files) win, as in git.

    Most real rules are a name or ``*.suffix`` anywhere; those are found through tables, so a
    check costs a few lookups plus the other rules, not one match per rule."""

    def __init__(self, rules: tuple[Rule, ...] = ()) -> None:
        self.rules = rules
        self._names: dict[str, list[int]] = {}
        self._suffixes: dict[int, dict[str, list[int]]] = {}
        self._others: list[int] = []
        for index, rule in enumerate(rules):
            key = rule.name_key
            if key is None:
                self._others.append(index)
            elif key[0] == "name":
                self._names.setdefault(key[1], []).append(index)
            else:
                table = self._suffixes.setdefault(len(key[1]), {})
                table.setdefault(key[1], []).append(index)

    def extended(self, text: str, base: tuple[str, ...]) -> IgnoreRules:
        room = MAX_RULES - len(self.rules)
        added = []
        for line in text.split("\n"):
            if len(added) >= room:
                break
            rule = parse_rule(line, base)
            if rule is not None:
                added.append(rule)
        return IgnoreRules(self.rules + tuple(added)) if added else self

    def ignored(self, parts: tuple[str, ...], is_dir: bool, budget: Budget | None = None) -> bool:
        """Whether the last rule matching ``parts`` (relative to the checkout) ignores it;
        the rules outside the tables are tried while ``budget`` lasts."""
        name = parts[-1]
        best = self._last_applicable(self._names.get(name, ()), parts, is_dir)
        for length, table in self._suffixes.items():
            if len(name) >= length:
                found = self._last_applicable(table.get(name[-length:], ()), parts, is_dir)
                best = max(best, found)
        for index in reversed(self._others):
            if index <= best:
                break
            if budget is not None:
                if budget.left <= 0:
                    budget.exhausted = True
                    break
                budget.left -= self.rules[index].cost * len(name) + _TRY_OVERHEAD
            if self.rules[index].matches(parts, is_dir):
                best = index
                break
        return best >= 0 and not self.rules[best].negated

    def _last_applicable(
        self, indexes: list[int] | tuple, parts: tuple[str, ...], is_dir: bool
    ) -> int:
        for index in reversed(indexes):
            rule = self.rules[index]
            below = len(parts) > len(rule.base) and parts[: len(rule.base)] == rule.base
            if below and (is_dir or not rule.dir_only):
                return index
        return -1


def _segment(text: str) -> _Segment:
    tokens = _tokens(text)
    if all(isinstance(token, str) for token in tokens):
        return _Segment(literal="".join(tokens))
    chunks, current = [], []
    for token in [*tokens, _STAR]:
        if token is _STAR:
            if current:
                chunks.append(_chunk(current))
            current = []
        else:
            current.append(token)
    return _Segment(
        literal=None,
        chunks=tuple(chunks),
        star_first=tokens[0] is _STAR,
        star_last=tokens[-1] is _STAR,
    )


class _Pattern(NamedTuple):
    """A run of tokens with ``?`` or a class: one character each, so of fixed length and
    without quantifier (searching it is linear in the name)."""

    regex: re.Pattern[str]
    length: int


def _chunk(tokens: list) -> str | _Pattern:
    """A run of tokens without ``*``: plain text, or a ``_Pattern``."""
    if all(isinstance(token, str) for token in tokens):
        return "".join(tokens)
    out = []
    for token in tokens:
        if isinstance(token, str):
            out.append(re.escape(token))
        elif token is _ANY:
            out.append(".")
        else:
            negated, ranges = token
            members = "".join(
                re.escape(low) if low == high else f"{re.escape(low)}-{re.escape(high)}"
                for low, high in ranges
            )
            out.append(f"[{'^' if negated else ''}{members}]")
    try:
        return _Pattern(re.compile("".join(out), re.DOTALL), len(tokens))
    except re.error:  # a reversed range such as [z-a] matches nothing, as in git
        return _Pattern(re.compile("(?!)"), len(tokens))


def _chunk_length(chunk: str | _Pattern) -> int:
    return len(chunk) if isinstance(chunk, str) else chunk.length


def _tokens(text: str) -> list:
    """Literal characters (str), ``_STAR``, ``_ANY`` and classes ``(negated, members)``."""
    out: list = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
        elif char == "*":
            if not out or out[-1] is not _STAR:  # "**" inside a name is one "*"
                out.append(_STAR)
            i += 1
        elif char == "?":
            out.append(_ANY)
            i += 1
        elif char == "[":
            parsed = _char_class(text, i + 1)
            if parsed is None:
                out.append("[")
                i += 1
            else:
                token, i = parsed
                out.append(token)
        else:
            out.append(char)
            i += 1
    return out


def _char_class(text: str, i: int) -> tuple[tuple, int] | None:
    """``[...]`` starting after ``[``: ``((negated, ranges), index after "]")`` or None."""
    negated = i < len(text) and text[i] in "!^"
    if negated:
        i += 1
    ranges: list[tuple[str, str]] = []
    first = True
    while i < len(text):
        char = text[i]
        if char == "]" and not first:
            return (negated, tuple(ranges)), i + 1
        first = False
        if char == "\\" and i + 1 < len(text):
            i += 1
            char = text[i]
        if i + 2 < len(text) and text[i + 1] == "-" and text[i + 2] != "]":
            ranges.append((char, text[i + 2]))
            i += 3
        else:
            ranges.append((char, char))
            i += 1
    return None


def _at(chunk: str | _Pattern, name: str, index: int) -> bool:
    if isinstance(chunk, str):
        return name.startswith(chunk, index)
    return chunk.regex.match(name, index) is not None


def _find(chunk: str | _Pattern, name: str, start: int, end: int) -> int:
    if isinstance(chunk, str):
        return name.find(chunk, start, end)
    found = chunk.regex.search(name, start, end)
    return found.start() if found else -1


def _match_chunks(segment: _Segment, name: str) -> bool:
    """Glob match of one name. Between stars the leftmost place of each chunk is the best
    one, so no backtracking is needed: linear in the name for plain chunks."""
    chunks = list(segment.chunks)
    if not segment.star_first and not segment.star_last and len(chunks) == 1:
        chunk = chunks[0]
        return _chunk_length(chunk) == len(name) and _at(chunk, name, 0)
    start, end = 0, len(name)
    if not segment.star_first:
        head = chunks.pop(0)
        if not _at(head, name, 0):
            return False
        start = _chunk_length(head)
    if not segment.star_last and chunks:
        tail = chunks.pop()
        end = len(name) - _chunk_length(tail)
        if end < start or not _at(tail, name, end):
            return False
    for chunk in chunks:
        index = _find(chunk, name, start, end)
        if index < 0:
            return False
        start = index + _chunk_length(chunk)
    return start <= end


def _match_segments(segments: tuple[_Segment, ...], parts: tuple[str, ...]) -> bool:
    """The same algorithm one level up: ``**`` is the star, a segment matches one component."""
    si = pi = 0
    star_si, star_pi = -1, 0
    while pi < len(parts):
        if si < len(segments) and segments[si] is _DOUBLE:
            star_si, star_pi = si, pi
            si += 1
        elif si < len(segments) and segments[si].matches(parts[pi]):
            si += 1
            pi += 1
        elif star_si >= 0:
            star_pi += 1
            si, pi = star_si + 1, star_pi
        else:
            return False
    while si < len(segments) and segments[si] is _DOUBLE:
        si += 1
    return si == len(segments)
