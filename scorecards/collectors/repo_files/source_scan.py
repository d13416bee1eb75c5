"""Run the line-level signal rules (``signals/*.py``) over one source file.

Speed matters (thousands of files per repository), so each rule is first searched over the
whole text in one C-level pass (a multi-line copy of its pattern); only the few lines where it
matched are then checked line by line, against comments and the rule's ``detail`` function.
"""

from __future__ import annotations

import re
import re._parser as sre_parse  # private, but stable: used only to derive pre-filter literals
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import cache

from scorecards.collectors.repo_files.secrets import make_excerpt
from scorecards.collectors.repo_files.signals import SignalRule, all_rules

MAX_LINE_LENGTH = 2000
MAX_SIGNALS_PER_FILE = 2000

_HASH_COMMENTS = frozenset(
    {"python", "ruby", "shell", "yaml", "toml", "properties", "conf", "ini", "elixir",
     "dockerfile", "procfile", "r", "perl"}
)  # fmt: skip
_SLASH_COMMENTS = frozenset(
    {"javascript", "typescript", "go", "java", "kotlin", "scala", "groovy", "php", "csharp",
     "fsharp", "rust", "swift", "dart", "c", "cpp", "hcl", "json"}
)  # fmt: skip
_BLOCK_COMMENTS = _SLASH_COMMENTS - {"fsharp"}
_DOCSTRING_START = re.compile(r"""^\s*[rRbBuUfF]{0,2}("{3}|'{3})""")


def scan_source(path: str, text: str, language: str) -> list[dict]:
    """Signals of every registered rule that reads ``language`` files, for one file."""
    return scan_with_rules(path, text, language, _rules_for(language))


@cache
def _rules_for(language: str) -> tuple[SignalRule, ...]:
    return tuple(rule for rule in all_rules() if language in rule.languages)


@cache
def _required_literals(pattern: str, flags: int) -> tuple[bool, frozenset[str]] | None:
    """Literals one of which every match contains, to skip a rule with a plain ``in`` test.

    Returns (case-insensitive?, literals), or None when no literal of 2+ characters is
    mandatory. Derived from the parsed pattern, so rule authors need not declare hints.
    """
    try:
        parsed = sre_parse.parse(pattern, flags)
    except (re.error, RecursionError):
        return None
    literals = _sequence_literals(list(parsed))
    if not literals or min(len(literal) for literal in literals) < 2:
        return None
    ignore_case = bool((flags | parsed.state.flags) & re.IGNORECASE)
    if ignore_case:
        literals = frozenset(lit.lower() for lit in literals)
    return ignore_case, literals


def _sequence_literals(items: list) -> frozenset[str] | None:
    """Best mandatory literal set of a sequence: a literal run, or a required sub-part."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items + [(None, None)]:
        if op is sre_parse.LITERAL:
            run.append(chr(av))
            continue
        if len(run) >= 2:
            candidates.append(frozenset({"".join(run)}))
        run = []
        inner = _item_literals(op, av)
        if inner:
            candidates.append(inner)
    if not candidates:
        return None
    return max(candidates, key=lambda lits: min(len(lit) for lit in lits))


def _item_literals(op: object, av: object) -> frozenset[str] | None:
    if op is sre_parse.SUBPATTERN:
        return _sequence_literals(list(av[-1]))
    if op is sre_parse.BRANCH:
        branches = [_sequence_literals(list(branch)) for branch in av[1]]
        if all(branches):
            return frozenset().union(*branches)
        return None
    if op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT) and av[0] >= 1:
        return _sequence_literals(list(av[2]))
    return None


def _literal_lines(rule: SignalRule, text: str, lowered: list[str]) -> list[int] | None:
    """Lines holding one of the rule's required literals; None when it has none to use."""
    required = _required_literals(rule.pattern, rule.flags)
    if required is None:
        return None
    ignore_case, literals = required
    if ignore_case:
        if not lowered:
            lowered.append(text.lower())
        text = lowered[0]
    starts: list[int] = []
    for literal in literals:
        position = text.find(literal)
        while position != -1:
            starts.append(position)
            position = text.find(literal, position + 1)
    if not starts:
        return []
    line_starts = _line_starts(text)
    return sorted({bisect_right(line_starts, start) for start in starts})


@cache
def _whole_text_pattern(pattern: str, flags: int) -> re.Pattern[str]:
    """The rule's pattern with ``^``/``$`` at line boundaries, to search a whole file at once.

    Its ``\\s`` never crosses a newline: a rule matches within one line anyway, and ``^\\s*``
    running across 100,000 blank lines from each of them was quadratic.
    """
    return re.compile(_one_line_spaces(pattern), flags | re.MULTILINE)


def _one_line_spaces(pattern: str) -> str:
    """``pattern`` with each ``\\s`` outside a character class made ``[^\\S\\n]``."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            pair = pattern[i : i + 2]
            out.append("[^\\S\\n]" if pair == "\\s" and not in_class else pair)
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
            out.append(char)
            # A "]" (after an optional "^") right at the start is a literal member.
            for literal in ("^", "]"):
                if pattern.startswith(literal, i + 1):
                    out.append(literal)
                    i += 1
        elif char == "]" and in_class:
            in_class = False
            out.append(char)
        else:
            out.append(char)
        i += 1
    return "".join(out)


def scan_with_rules(path: str, text: str, language: str, rules: Iterable[SignalRule]) -> list[dict]:
    """Signals of ``rules`` (filtered by language and file pattern) over ``text``."""
    applicable = [
        rule
        for rule in rules
        if language in rule.languages
        and (rule.compiled_files is None or rule.compiled_files.search(path))
    ]
    if not applicable or not text:
        return []
    lines = text.splitlines()
    line_starts = _line_starts(text)
    comments = _CommentMap(lines, language)
    signals: list[dict] = []
    lowered: list[str] = []  # the lower-cased text, made once if a rule needs it
    for rule in applicable:
        numbers = _literal_lines(rule, text, lowered)
        if numbers is None:  # no literal to look for: one regex pass over the whole text
            numbers = _candidate_lines(rule, text, line_starts)
        for number in numbers:
            if number > len(lines):
                continue
            line = lines[number - 1]
            if len(line) > MAX_LINE_LENGTH:
                continue
            signals.extend(_line_signals(rule, path, language, number, line, comments))
            if len(signals) >= MAX_SIGNALS_PER_FILE:
                return sorted(signals, key=_order)[:MAX_SIGNALS_PER_FILE]
    return sorted(signals, key=_order)


def _order(signal: dict) -> tuple[int, str]:
    return signal["line"], signal["rule"]


def _line_starts(text: str) -> list[int]:
    # Same line boundaries as str.splitlines() for \n and \r\n files.
    return [0] + [m.end() for m in re.finditer(r"\r\n|\n|\r", text)]


def _candidate_lines(rule: SignalRule, text: str, line_starts: Sequence[int]) -> list[int]:
    """1-based numbers of the lines where the rule may match (every line a match spans)."""
    numbers: set[int] = set()
    for match in _whole_text_pattern(rule.pattern, rule.flags).finditer(text):
        first = bisect_right(line_starts, match.start())
        last = bisect_right(line_starts, max(match.end() - 1, match.start()))
        numbers.update(range(first, last + 1))
    return sorted(numbers)


def _line_signals(
    rule: SignalRule, path: str, language: str, number: int, line: str, comments: _CommentMap
) -> list[dict]:
    out: list[dict] = []
    seen: set[str] = set()
    for match in rule.compiled.finditer(line):
        if rule.skip_comments and comments.is_comment(number, line, match.start()):
            continue
        detail = rule.detail(match, line) if rule.detail else {}
        if detail is None:
            continue
        key = repr(sorted(detail.items()))
        if key in seen:
            continue
        seen.add(key)
        out.append(
            {
                "rule": rule.id,
                "path": path,
                "line": number,
                "lang": language,
                "excerpt": make_excerpt(line),
                "detail": detail,
            }
        )
    return out


class _CommentMap:
    """Which positions of a file are comments, computed lazily (most files need none)."""

    def __init__(self, lines: list[str], language: str) -> None:
        self.lines = lines
        self.language = language
        self._blocks: set[int] | None = None

    def is_comment(self, number: int, line: str, column: int) -> bool:
        if number in self._block_lines():
            return True
        start = _comment_column(line, self.language)
        return start is not None and column >= start

    def _block_lines(self) -> set[int]:
        if self._blocks is None:
            if self.language == "python":
                self._blocks = _docstring_lines(self.lines)
            elif self.language in _BLOCK_COMMENTS:
                self._blocks = _block_comment_lines(self.lines)
            elif self.language == "xml":
                self._blocks = _block_comment_lines(self.lines, "<!--", "-->")
            else:
                self._blocks = set()
        return self._blocks


def _comment_column(line: str, language: str) -> int | None:
    """Column where a line comment starts, outside string literals (best effort)."""
    if language in _HASH_COMMENTS:
        markers: tuple[str, ...] = ("#",)
        if language == "ini":
            markers = ("#", ";")
    elif language in _SLASH_COMMENTS:
        markers = ("//", "#") if language == "php" else ("//",)
    elif language == "vb":
        markers = ("'",)
    else:
        return None
    stripped = line.lstrip()
    if stripped.startswith(markers) or (language in _BLOCK_COMMENTS and stripped.startswith("*")):
        return len(line) - len(stripped)
    quote: str | None = None
    index = 0
    while index < len(line):
        char = line[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = None
        elif char in "\"'`" and not (language == "vb" and char == "'"):
            quote = char
        elif line.startswith(markers, index) and _starts_comment(line, index, language):
            return index
        index += 1
    return None


def _starts_comment(line: str, index: int, language: str) -> bool:
    # "#" inside a shell word (${#x}, a#b) or a YAML value without a space before it is not a
    # comment; "//" right after ":" is a URL (http://).
    if line[index] == "#":
        return index == 0 or line[index - 1] in " \t"
    if line.startswith("//", index):
        return not (index > 0 and line[index - 1] == ":")
    return True


def _block_comment_lines(lines: list[str], opener: str = "/*", closer: str = "*/") -> set[int]:
    """Lines entirely inside a block comment (or starting one at their first character)."""
    inside = False
    result: set[int] = set()
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if inside:
            result.add(number)
            if closer in line:
                inside = False
                if not stripped.endswith(closer):
                    result.discard(number)  # code follows the comment's end
            continue
        if stripped.startswith(opener):
            end = stripped.find(closer, len(opener))
            if end == -1:
                inside = True
                result.add(number)
            elif end + len(closer) == len(stripped):
                result.add(number)
        elif opener in line and closer not in line[line.find(opener) :]:
            inside = True  # a block comment opens after some code on this line
    return result


def _docstring_lines(lines: list[str]) -> set[int]:
    """Lines of triple-quoted strings that stand alone as statements (docstrings)."""
    result: set[int] = set()
    delimiter: str | None = None
    docstring = False
    for number, line in enumerate(lines, 1):
        if delimiter:
            if docstring:
                result.add(number)
            if line.count(delimiter) % 2 == 1:
                delimiter = None
            continue
        for quote in ('"""', "'''"):
            if line.count(quote) % 2 == 1:
                delimiter = quote
                docstring = bool(_DOCSTRING_START.match(line))
                break
        start = _DOCSTRING_START.match(line)
        if start and (delimiter or line.count(start[1]) >= 2):
            result.add(number)  # opening line, or a one-line docstring
    return result
