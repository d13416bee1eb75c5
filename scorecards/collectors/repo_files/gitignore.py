"""``.gitignore`` rules, read and matched without running git (see gitignore(5)).

Running git inside a scanned tree would obey that tree's ``.git/config``, and several of its
keys run programs (``core.fsmonitor``, filter drivers, hooks…): so the walker reads the ignore
files itself. Matching is component by component with a non-backtracking-blowup algorithm (a
wildcard costs at most pattern × name steps), so a hostile pattern cannot stall a scan.
"""

from __future__ import annotations

from dataclasses import dataclass

# Longer lines are no real ignore rule; dropping them bounds the cost of every match.
MAX_PATTERN_CHARS = 1024
# Rules in effect at once (all ignore files from the checkout's top down to one folder).
MAX_RULES = 2000

_STAR = ("*",)
_ANY = ("?",)


@dataclass(frozen=True)
class _Segment:
    """One path component of a pattern: literal text, or tokens with wildcards."""

    literal: str | None
    tokens: tuple = ()

    def matches(self, name: str) -> bool:
        if self.literal is not None:
            return self.literal == name
        return _match_tokens(self.tokens, name)


_DOUBLE = _Segment(literal=None, tokens=("**",))  # zero or more whole components
_ONE = _Segment(literal=None, tokens=(_STAR,))  # exactly one component, any name


@dataclass(frozen=True)
class Rule:
    base: tuple[str, ...]  # folder of the ignore file, relative to the checkout's top
    segments: tuple[_Segment, ...]
    negated: bool
    dir_only: bool

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
    return Rule(tuple(base), tuple(segments), negated, dir_only)


@dataclass(frozen=True)
class IgnoreRules:
    """The rules in effect in one folder: later rules (deeper files) win, as in git."""

    rules: tuple[Rule, ...] = ()

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

    def ignored(self, parts: tuple[str, ...], is_dir: bool) -> bool:
        for rule in reversed(self.rules):
            if rule.matches(parts, is_dir):
                return not rule.negated
        return False


def _segment(text: str) -> _Segment:
    tokens = _tokens(text)
    if all(isinstance(token, str) for token in tokens):
        return _Segment(literal="".join(tokens))
    return _Segment(literal=None, tokens=tuple(tokens))


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


def _one(token: object, char: str) -> bool:
    if isinstance(token, str):
        return token == char
    if token is _ANY:
        return True
    negated, ranges = token  # type: ignore[misc]
    return any(low <= char <= high for low, high in ranges) != negated


def _match_tokens(tokens: tuple, name: str) -> bool:
    """Glob match of one name: ``*`` backtracks only to the last star, so at most
    len(tokens) × len(name) steps."""
    ti = ni = 0
    star_ti, star_ni = -1, 0
    while ni < len(name):
        if ti < len(tokens) and tokens[ti] is _STAR:
            star_ti, star_ni = ti, ni
            ti += 1
        elif ti < len(tokens) and _one(tokens[ti], name[ni]):
            ti += 1
            ni += 1
        elif star_ti >= 0:
            star_ni += 1
            ti, ni = star_ti + 1, star_ni
        else:
            return False
    while ti < len(tokens) and tokens[ti] is _STAR:
        ti += 1
    return ti == len(tokens)


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
