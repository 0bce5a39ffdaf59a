"""Read Python 2 training scripts: a token-level rewrite to Python 3 syntax that keeps every line where it was.

Only the static audit's fallback uses this, after :func:`ast.parse` has rejected a file. The code is tokenized
(:mod:`tokenize`) and parsed, never run. Two passes:

1. Indentation, line by line: tabs in the leading whitespace of every line advance to the next multiple of 8,
   as Python 2 counted them, so mixed tabs and spaces mean what they meant there. Lines inside triple-quoted
   strings are expanded too; the audit does not read their text.
2. Tokens, statement by statement: ``print x`` / ``print >>f, x`` / ``print "a", b,`` → ``print(...)``,
   ``exec code in ns`` → ``exec(code, ns)``, ``raise E, "msg"`` → ``raise E("msg")``, ``except E, e:`` →
   ``except E as e:``, backticks → ``repr(...)``, ``0777`` → ``0o777``, ``10L`` → ``10``, ``ur"..."`` →
   ``r"..."``, ``<>`` → ``!=``, and ``async``/``await`` used as names (``x.cuda(async=True)``) → ``async_``.

No edit adds or removes a line break, so line numbers hold; columns that an edit moved are mapped back on the
parsed tree (:func:`parse`). Not handled: tuple parameters (``def f(a, (b, c))``, ``lambda (k, v): v``), an
``except`` target that is not a plain name, ``print >>f`` whose file expression spans lines.

Example:
    >>> print(rewrite('if n <> 0:\\n\\tprint "n =", `n`\\n').source)
    if n != 0:
            print("n =", repr(n))
    <BLANKLINE>
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["Rewrite", "parse", "rewrite"]

_OCTAL = re.compile(r"0[0-7]*[1-7][0-7]*")  # Python 2 octal; "00" is a valid Python 3 zero
_EXPRESSION_START_OPS = frozenset("([{-+~`") | {">>"}
_ASYNC_NAME_NEIGHBOURS = frozenset({"=", ",", ")", "(", ".", "[", "]", ":"})
_BLOCK_KEYWORDS = frozenset({"def", "with", "for"})
_LINE_STARTERS = frozenset({tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT})
_SKIPPED_STARTS = _LINE_STARTERS | {tokenize.ENDMARKER}

Edit = tuple[int, int, str]  # (start column, end column, new text) on one line


@dataclass(frozen=True)
class Rewrite:
    """Python 3 text for a Python 2 file, the constructs rewritten (``(line, what)``, in order) and, per line,
    the column edits made (to map columns back)."""

    source: str
    changes: tuple[tuple[int, str], ...]
    edits: Mapping[int, tuple[tuple[Edit, ...], ...]] = field(default_factory=dict, repr=False)

    def summary(self, limit: int = 4) -> tuple[str, list[str]]:
        """A one-line account (``"print statement (3); `except E, e` clause"``) and evidence: the first line of
        each kind of construct, at most ``limit`` kinds."""
        counts = Counter(kind for _, kind in self.changes)
        first: dict[str, int] = {}
        for line, kind in self.changes:
            first.setdefault(kind, line)
        kinds = sorted(first, key=first.__getitem__)
        detail = "; ".join(kind + (f" ({counts[kind]})" if counts[kind] > 1 else "") for kind in kinds)
        evidence = [f"line {first[kind]}: {kind}" + (f" (and {counts[kind] - 1} more)" if counts[kind] > 1 else "")
                    for kind in kinds[:limit]]
        if len(kinds) > limit:
            evidence.append(f"and {len(kinds) - limit} more kinds of Python 2 syntax")
        return detail, evidence

    def original_col(self, line: int, col: int) -> int:
        """The 0-based column in the original line of character ``col`` in the rewritten line."""
        for stage in self.edits.get(line, ()):
            col = _unshift(col, stage)
        return col


def rewrite(code: str | bytes) -> Rewrite | None:
    """Python 3 syntax for Python 2 ``code``, or ``None`` when the text cannot be tokenized or there is nothing to
    rewrite. Bytes are decoded by their coding cookie (UTF-8 without one)."""
    text = _decode(code)
    if text is None:
        return None
    lines = io.StringIO(text).readlines()
    indent_edits, tabbed = _expand_tabs(lines)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO("".join(lines)).readline))
    except (tokenize.TokenError, SyntaxError):  # unterminated strings and brackets; 3.12+ raise on bad indents
        return None
    found = _TokenPass(lines, tokens).run()
    if found is None:
        return None
    token_edits, changes, statement_rows = found
    mixed_line = _first_mixed_line(tabbed, statement_rows, lines) if tabbed else 0
    if mixed_line:
        changes.append((mixed_line, "tabs and spaces mixed in indentation"))
    if not token_edits and not mixed_line:
        return None
    edits: dict[int, tuple[tuple[Edit, ...], ...]] = {}
    for row in sorted(set(token_edits) | set(indent_edits)):
        row_edits = sorted(token_edits.get(row, ()), key=lambda e: (e[0], e[1]))
        if any(a[1] > b[0] for a, b in zip(row_edits, row_edits[1:])):
            return None  # overlapping edits: a construct this pass does not understand
        line = lines[row - 1]
        for start, end, new in reversed(row_edits):
            line = line[:start] + new + line[end:]
        lines[row - 1] = line
        edits[row] = (tuple(row_edits), indent_edits.get(row, ()))  # undone in this order
    changes.sort()
    return Rewrite("".join(lines), tuple(changes), edits)


def parse(code: str | bytes, filename: str) -> tuple[ast.Module, Rewrite] | None:
    """:func:`rewrite` then :func:`ast.parse`, with the tree's columns mapped back to the original text; ``None``
    when the rewritten text does not parse either."""
    recovered = rewrite(code)
    if recovered is None:
        return None
    try:
        tree = ast.parse(recovered.source, filename=filename)
    except (SyntaxError, ValueError):
        return None
    original = _decode(code) or ""
    _restore_columns(tree, recovered, recovered.source.split("\n"), original.split("\n"))
    return tree, recovered


# ---------------------------------------------------------------------------------------- passes
def _decode(code: str | bytes) -> str | None:
    if isinstance(code, bytes):
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(code).readline)
            code = code.decode(encoding)
        except (SyntaxError, UnicodeDecodeError, LookupError):
            return None
    return code.replace("\r\n", "\n").replace("\r", "\n")  # ast counts a lone \r as a line break too


def _expand_tabs(lines: list[str]) -> tuple[dict[int, tuple[Edit, ...]], dict[int, str]]:
    """Expand tabs in leading whitespace in place (Python 2: to the next multiple of 8; a form feed resets the
    column). Returns the edits per line and the original leading whitespace of the lines that had tabs."""
    edits: dict[int, tuple[Edit, ...]] = {}
    tabbed: dict[int, str] = {}
    for row, line in enumerate(lines, start=1):
        width = len(line) - len(line.lstrip(" \t\f"))
        lead = line[:width]
        if "\t" not in lead:
            continue
        col = 0
        for char in lead:
            col = (col // 8 + 1) * 8 if char == "\t" else 0 if char == "\f" else col + 1
        lines[row - 1] = " " * col + line[width:]
        edits[row] = ((0, width, " " * col),)
        tabbed[row] = lead
    return edits, tabbed


def _first_mixed_line(tabbed: Mapping[int, str], statement_rows: Sequence[int], lines: Sequence[str]) -> int:
    """The first statement line indented with a tab, if some statement line is indented with spaces (what
    Python 3 may reject as inconsistent); else 0. ``lines`` are after expansion: a space lead there was one
    before unless the line had tabs."""
    first_tab, spaces = 0, False
    for row in statement_rows:
        lead = tabbed.get(row)
        if lead is not None:
            first_tab = first_tab or row
            spaces = spaces or " " in lead
        elif lines[row - 1].startswith(" "):
            spaces = True
    return first_tab if spaces else 0


class _TokenPass:
    """One walk over the tokens collecting edits. Statement handlers look ahead without consuming tokens."""

    def __init__(self, lines: Sequence[str], tokens: Sequence[tokenize.TokenInfo]):
        self.lines = lines
        skip = {tokenize.NL, tokenize.COMMENT}
        self.toks = [t for t in tokens
                     if t.type not in skip and not (t.type == tokenize.ERRORTOKEN and t.string.isspace())]
        self.edits: dict[int, list[Edit]] = {}
        self.changes: list[tuple[int, str]] = []

    def run(self) -> tuple[dict[int, list[Edit]], list[tuple[int, str]], list[int]] | None:
        """Edits per line, constructs rewritten, and the lines where a logical line begins."""
        toks = self.toks
        at_start, depth, backtick_open = True, 0, False
        statement_rows: list[int] = []
        for i, tok in enumerate(toks):
            starts_statement, at_start = at_start, False
            kind, text = tok.type, tok.string
            if starts_statement and (i == 0 or toks[i - 1].type in _LINE_STARTERS) and kind not in _SKIPPED_STARTS:
                statement_rows.append(tok.start[0])
            nxt = toks[i + 1] if i + 1 < len(toks) else tok
            if kind in _LINE_STARTERS:
                at_start = True
            elif kind == tokenize.ERRORTOKEN and text != "`":
                return None  # a stray quote or character: the file does not parse after any rewrite
            elif kind == tokenize.OP and text in ("(", "[", "{"):
                depth += 1
            elif kind == tokenize.OP and text in (")", "]", "}"):
                depth -= 1
            elif kind == tokenize.OP and text in (";", ":") and depth == 0:
                at_start = True
            if text == "`" and kind in (tokenize.OP, tokenize.ERRORTOKEN):  # not an f-string's literal part
                if backtick_open:
                    self.edit(tok.start, tok.end, ")", None)
                else:
                    self.edit(tok.start, tok.end, "repr(", "backtick repr")
                backtick_open = not backtick_open
            elif text == "<>":  # one token on Python 3.12+, "<" then ">" before
                self.edit(tok.start, tok.end, "!=", "`<>` operator")
            elif text == "<" and nxt.string == ">" and nxt.start == tok.end:
                self.edit(tok.start, nxt.end, "!=", "`<>` operator")
            elif kind == tokenize.NUMBER:
                self.number(tok, nxt)
            elif kind == tokenize.NAME:
                if starts_statement and text in ("print", "exec", "raise", "except"):
                    getattr(self, f"stmt_{text}")(i)
                elif text.lower() == "ur" and nxt.type == tokenize.STRING and nxt.start == tok.end:
                    self.edit(tok.start, tok.end, "r", "ur string prefix")
                elif text in ("async", "await") and self.used_as_name(i):
                    self.edit(tok.start, tok.end, text + "_", f"`{text}` used as a name")
        return self.edits, self.changes, statement_rows

    def edit(self, start: tuple[int, int], end: tuple[int, int], new: str, what: str | None) -> None:
        self.edits.setdefault(start[0], []).append((start[1], end[1], new))
        if what:
            self.changes.append((start[0], what))

    def end_of_statement(self, i: int, stop: str = ";") -> int:
        """Index of the token that ends the simple statement (or clause header, ``stop=":"``) starting at ``i``."""
        depth = 0
        for j in range(i + 1, len(self.toks)):
            tok = self.toks[j]
            if tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER) or depth == 0 and tok.string == stop:
                return j
            if tok.type == tokenize.OP and tok.string in ("(", "[", "{"):
                depth += 1
            elif tok.type == tokenize.OP and tok.string in (")", "]", "}"):
                depth -= 1
        return len(self.toks) - 1

    def top_level(self, i: int, end: int, string: str) -> list[int]:
        """Indexes of ``string`` tokens between ``i`` and ``end`` outside brackets."""
        found, depth = [], 0
        for j in range(i + 1, end):
            tok = self.toks[j]
            if tok.type == tokenize.OP and tok.string in ("(", "[", "{"):
                depth += 1
            elif tok.type == tokenize.OP and tok.string in (")", "]", "}"):
                depth -= 1
            elif depth == 0 and tok.string == string:
                found.append(j)
        return found

    def opens_call(self, i: int, end: int) -> bool:
        """``print``/``exec`` at ``i`` is a statement: what follows starts an expression or ends it."""
        nxt = self.toks[i + 1]
        if i + 1 == end:
            return True
        if nxt.type == tokenize.OP:
            return nxt.string in _EXPRESSION_START_OPS and nxt.string != "("
        return nxt.type in (tokenize.NAME, tokenize.NUMBER, tokenize.STRING, tokenize.ERRORTOKEN)

    def open_paren(self, keyword: tokenize.TokenInfo, nxt: tokenize.TokenInfo, what: str) -> None:
        """``print x`` → ``print(x``: the space after the keyword becomes the parenthesis."""
        gap = nxt.start[0] == keyword.end[0] and nxt.start[1] > keyword.end[1]
        self.edit(keyword.end, (keyword.end[0], keyword.end[1] + gap), "(", what)

    def stmt_print(self, i: int) -> None:
        toks, end = self.toks, self.end_of_statement(i)
        if not self.opens_call(i, end):
            return
        keyword, last = toks[i], toks[end - 1]
        if i + 1 == end:
            self.edit(keyword.end, keyword.end, "()", "print statement")
        elif toks[i + 1].string != ">>":
            self.open_paren(keyword, toks[i + 1], "print statement")
            self.edit(last.end, last.end, ")", None)
        else:
            commas = self.top_level(i + 1, end, ",")
            comma = commas[0] if commas else end
            row = keyword.start[0]
            if comma == i + 2 or toks[comma - 1].end[0] != row or comma < end and toks[comma].start[0] != row:
                return  # no file expression, or one that spans lines: left as it is
            target = self.lines[row - 1][toks[i + 2].start[1]:toks[comma - 1].end[1]]
            if comma == end:
                self.edit(keyword.end, last.end, f"(file={target})", "print >>file statement")
                return
            self.edit(keyword.end, toks[comma].end, "(", "print >>file statement")
            self.edit(last.end, last.end, f"{'' if last.string == ',' else ','} file={target})", None)

    def stmt_exec(self, i: int) -> None:
        toks, end = self.toks, self.end_of_statement(i)
        if i + 1 == end or not self.opens_call(i, end):
            return
        self.open_paren(toks[i], toks[i + 1], "exec statement")
        namespaces = self.top_level(i + 1, end, "in")
        if namespaces:
            self.edit(toks[namespaces[0]].start, toks[namespaces[0]].end, ", ", None)
        self.edit(toks[end - 1].end, toks[end - 1].end, ")", None)

    def stmt_raise(self, i: int) -> None:
        toks, end = self.toks, self.end_of_statement(i)
        commas = self.top_level(i, end, ",")
        if not commas or len(commas) > 2:
            return
        self.edit(toks[commas[0]].start, toks[commas[0]].end, "(", None)
        self.changes.append((toks[i].start[0], "`raise E, msg` statement"))
        if len(commas) == 2:
            self.edit(toks[commas[1]].start, toks[commas[1]].end, ").with_traceback(", None)
        self.edit(toks[end - 1].end, toks[end - 1].end, ")", None)

    def stmt_except(self, i: int) -> None:
        toks, colon = self.toks, self.end_of_statement(i, stop=":")
        commas = self.top_level(i, colon, ",")
        if len(commas) == 1 and commas[0] + 2 == colon and toks[commas[0] + 1].type == tokenize.NAME:
            self.edit(toks[commas[0]].start, toks[commas[0]].end, " as", "`except E, e` clause")

    def number(self, tok: tokenize.TokenInfo, nxt: tokenize.TokenInfo) -> None:
        adjacent = nxt.start == tok.end
        # Python 3.12+ reads "0777" as one token, earlier versions as "0" then "777".
        if _OCTAL.fullmatch(tok.string) or (adjacent and nxt.type == tokenize.NUMBER and tok.string.strip("0") == ""
                                            and _OCTAL.fullmatch("0" + nxt.string)):
            self.edit(tok.start, (tok.start[0], tok.start[1] + 1), "0o", "octal literal")
        if adjacent and nxt.type == tokenize.NAME and nxt.string in ("L", "l"):
            self.edit(nxt.start, nxt.end, "", "long literal")

    def used_as_name(self, i: int) -> bool:
        toks = self.toks
        before = toks[i - 1].string if i else ""
        after = toks[i + 1] if i + 1 < len(toks) else toks[i]
        if toks[i].string == "async" and after.string in _BLOCK_KEYWORDS:
            return False
        return before == "." or after.string in _ASYNC_NAME_NEIGHBOURS or after.type == tokenize.NEWLINE


# ---------------------------------------------------------------------------------------- columns
def _unshift(col: int, edits: Sequence[Edit]) -> int:
    """Undo one pass of edits on a column (inside a replacement: its start)."""
    shift = 0
    for start, end, new in edits:
        if col < start + shift:
            break
        if col < start + shift + len(new):
            return start
        shift += len(new) - (end - start)
    return col - shift


def _restore_columns(tree: ast.AST, recovered: Rewrite, new_lines: Sequence[str], old_lines: Sequence[str]) -> None:
    """Map ``col_offset``/``end_col_offset`` (UTF-8 bytes) on edited lines back to the original text."""
    edited = recovered.edits
    for node in ast.walk(tree):
        for line_attr, col_attr in (("lineno", "col_offset"), ("end_lineno", "end_col_offset")):
            row, col = getattr(node, line_attr, None), getattr(node, col_attr, None)
            if row in edited and col is not None and row <= len(new_lines) and row <= len(old_lines):
                chars = len(new_lines[row - 1].encode()[:col].decode("utf-8", "ignore"))
                original = recovered.original_col(row, chars)
                setattr(node, col_attr, len(old_lines[row - 1][:original].encode()))
