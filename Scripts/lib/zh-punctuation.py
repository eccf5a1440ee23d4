#!/usr/bin/env python3
r"""Full-width punctuation in the Chinese string literals of Swift sources (issue 12).

Usage:
    Scripts/lib/zh-punctuation.py [--check | --list] [PATH...]
        PATH: Swift files or folders (searched for *.swift, Fixtures folders skipped).
        Default: Sources and Tests of the package this script is in.
    (no option)  rewrite the files in place; prints how many files changed.
    --check      change nothing; print FILE:LINE: SOURCE LINE for every literal the
                 script would change, and exit 1 if there is one (0 otherwise).
    --list       like --check, but exit 0.

Python 3, standard library only. Idempotent: a second run changes nothing (each run
repeats its passes until nothing changes), so it can be run again on any merged tree.
It only ever turns ASCII , : ; ( ) ! ? into ， ： ； （ ） ！ ？ and drops ASCII spaces
next to them; it never turns full-width marks back, so edits made by hand stay.

LEXING. Swift is followed closely enough for this code base: "…", a multi-line literal in three double quotes,
raw #"…"# (any number of #), escapes (\n, \", \u{…}, \#…), interpolations \( … ) with
nested parentheses, and inside them code with nested string literals and comments
(the nested literals are literals too and get the same treatment); // and nested
/* */ comments are never touched.

WHICH LITERALS.
  * Only a literal with a Han character (U+3400–U+9FFF, U+F900–U+FAFF, U+20000–U+2FFFF).
    A literal without one (English text, a separator such as ", " or ";") is left as it
    is, whatever surrounds it: texts put together from ASCII pieces need a hand edit.
  * Not data or code: a literal of several lines one of which looks like code
    (import x, from x import, def f, name = value, call(...)); a literal with a line
    break (a trailing \n counts) in which a line has two or more tabs, or two or more
    commas with no space after any of them and no 。 : ; → and no comma inside
    parentheses (CSV/TSV such as "客户名称,客户等级,行业\n华为,A,通信\n").
    Under Tests/ also: a literal without "。" and without ", " holding two commas, or a
    comma and a line break (CSV rows and cells given to or expected from the readers and
    writers), and a literal with an XML/HTML tag.
  * Mixed literals: an English sentence that quotes Chinese (an English function word
    such as the, of, is, by, and at least three ASCII letters for each Han character):
    only a , : ; ! ? standing between two Han characters with no space is converted, and
    a pair ( ) only when "(" directly follows a CJK character and the pair holds Han.
  * `zh-punct: keep` in a comment on the line where a literal starts (or the line
    before) leaves that literal alone: for test data whose ASCII marks are the point.

RULES inside a Chinese literal. "CJK" means a Han character, CJK punctuation
(U+3000–U+303F), a full-width form (U+FF01–U+FF60) or a closing ” ’.
  * Protected, never converted: code in backticks `…`; URLs (scheme://…); format
    specifiers (%d, %@); in a multi-line literal a line that is a command line
    (starts with "salesvault ", "$ " or "./"); the parentheses of interpolations and
    everything in an interpolation's code.
  * Parentheses are converted as a pair or not at all (unmatched ones are left). A pair
    is converted when "(" directly follows a CJK character or an interpolation, or the
    pair holds a Han character, or ")" is directly followed by a CJK character. Its
    content may be ASCII: 人数(dept policy --threshold N) → 人数（dept policy --threshold N）.
    Not converted when it holds code: an ASCII quote ' " or [ ] | (other than a quote
    mark alone: 英文引号(") → 英文引号（"）), or "(" follows < $ or \ (<(…), $(…)).
    A space before "(" is dropped when CJK precedes it and the pair holds Han; a space
    after ")" is dropped when CJK follows it.
  * , : ; ! ? are converted when the character before them is CJK (after the
    parentheses above: 6.2(2),按 → 6.2(2)，按 is also covered by the next case); or
    when it is an interpolation, an ASCII letter or digit, a quote, a backtick or ")" and
    the next character (after spaces) is Han (except "salesvault:", a program-name
    prefix); or when it is an interpolation, the nearest text before that is CJK and an
    interpolation or CJK follows (无法创建目录 \(dir):\(reason)); or when it starts the
    literal and Han or an interpolation follows ("," + "改正后…"). Never between two
    digits (3,000,000, 18:00, 1:1), nor a ":" or "?" before "/". ASCII spaces right
    after a converted mark are dropped (， carries its own space).
"""

import os
import re
import sys

HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FFFF))
FULL = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "!": "！", "?": "？"}


def is_han(c):
    if not c or len(c) != 1:
        return False
    v = ord(c)
    return any(a <= v <= b for a, b in HAN_RANGES)


def is_cjk(c):
    if not c or len(c) != 1:
        return False
    v = ord(c)
    return is_han(c) or 0x3000 <= v <= 0x303F or 0xFF01 <= v <= 0xFF60 or c in "”’"


# ---------------------------------------------------------------- lexer

class Literal:
    def __init__(self, start, multiline, hashes):
        self.start = start          # offset of the opening quote run (incl. #)
        self.multiline = multiline
        self.hashes = hashes
        self.parts = []             # ("u", src_start, src_end, char) or ("i", start, end)
        self.end = None


def skip_comment(src, i):
    """i at '/' of // or /*; returns the offset after the comment."""
    if src.startswith("//", i):
        j = src.find("\n", i)
        return len(src) if j < 0 else j
    depth = 0
    n = len(src)
    while i < n:
        if src.startswith("/*", i):
            depth += 1
            i += 2
        elif src.startswith("*/", i):
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    return n


def lex_code(src, i, literals, stop_at_paren):
    """Lex code from i. With stop_at_paren, stops at the ')' closing an interpolation
    and returns its offset; otherwise runs to the end."""
    n = len(src)
    depth = 0
    while i < n:
        c = src[i]
        if c == "/" and (src.startswith("//", i) or src.startswith("/*", i)):
            i = skip_comment(src, i)
            continue
        if c == "#" or c == '"':
            j = i
            while j < n and src[j] == "#":
                j += 1
            if j < n and src[j] == '"':
                i = lex_string(src, i, j - i, literals)
                continue
            i = j if j > i else i + 1
            continue
        if stop_at_paren:
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    return i
                depth -= 1
        i += 1
    return n


SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", '"': '"', "'": "'", "\\": "\\"}


def lex_string(src, i, hashes, literals):
    """i at the first '#' or '"'; returns the offset after the literal."""
    n = len(src)
    j = i + hashes
    multiline = src.startswith('"""', j)
    lit = Literal(i, multiline, hashes)
    literals.append(lit)
    close = ('"""' if multiline else '"') + "#" * hashes
    esc = "\\" + "#" * hashes
    j += 3 if multiline else 1
    while j < n:
        if src.startswith(close, j):
            lit.end = j + len(close)
            return lit.end
        if src.startswith(esc, j):
            k = j + len(esc)
            if k < n and src[k] == "(":
                end = lex_code(src, k + 1, literals, True)
                lit.parts.append(("i", j, end + 1))
                j = end + 1
                continue
            if k < n and src[k] == "u" and k + 1 < n and src[k + 1] == "{":
                m = src.find("}", k)
                try:
                    ch = chr(int(src[k + 2:m], 16))
                except ValueError:
                    ch = "?"
                lit.parts.append(("u", j, m + 1, ch))
                j = m + 1
                continue
            if k < n and src[k] in SIMPLE_ESCAPES:
                lit.parts.append(("u", j, k + 1, SIMPLE_ESCAPES[src[k]]))
                j = k + 1
                continue
            if k < n and src[k] == "\n":   # line continuation in a multi-line literal
                lit.parts.append(("u", j, k + 1, ""))
                j = k + 1
                continue
            lit.parts.append(("u", j, k, "\\"))
            j = k
            continue
        if not multiline and src[j] == "\n":   # unterminated: give up on it
            lit.end = j
            lit.parts = []
            return j
        lit.parts.append(("u", j, j + 1, src[j]))
        j += 1
    lit.end = n
    lit.parts = []
    return n


def lex(src):
    literals = []
    lex_code(src, 0, literals, False)
    return literals


# ---------------------------------------------------------------- rules

URL_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\"'“”<>]*")
FORMAT_RE = re.compile(r"%[-+ #0-9.]*[dfsx@lu]")
COMMAND_LINE_RE = re.compile(r"^\s*(salesvault |\$ |\./)")


CODE_LINE_RE = re.compile(r"^\s*(import\s+\w|from\s+\w+\s+import|def\s+\w|[A-Za-z_][\w.]*\s*=[^=]|[A-Za-z_][\w.]*\(.*\)\s*$)")


def is_data(lit, in_tests):
    """CSV/TSV rows or program code in a literal: leave the whole literal alone."""
    text = "".join(p[3] if p[0] == "u" else "\x01" for p in lit.parts)
    lines = text.split("\n")
    if len(lines) > 1 and any(CODE_LINE_RE.match(line) for line in lines):
        return True
    if in_tests and re.search(r"<[A-Za-z?/][^<>]*>", text):
        return True     # XML or HTML written by a test
    if in_tests:
        # test input and expected output: a CSV row (two commas and no space after one),
        # or CSV text (a comma with no space after it and a line break), no "。"
        if "。" not in text and ", " not in text and \
                (text.count(",") >= 2 or ("," in text and "\n" in text)):
            return True
    if "\n" not in text:
        return False
    for line in lines:
        if line.count("\t") >= 2:
            return True
        if line.count(",") >= 2 and ", " not in line and not any(c in line for c in "。:;→") \
                and not re.search(r"\([^()]*,[^()]*\)", line):
            return True
    return False


STOPWORDS = set("""a an the is are was were be been of to in on at by for from with as and or not no
it its this that these those you your if then than but so e.g i.e when which what who can cannot
does do has have had will would should must may their they them his her we our
one each every all any only also how where there here into out up about after before
over under more most such same other""".split())


def is_english(chars):
    """A mixed literal: an English sentence that quotes some Chinese."""
    text = "".join(c if c is not None else " " for c in chars)
    han = sum(1 for c in text if is_han(c))
    letters = sum(1 for c in text if c.isascii() and c.isalpha())
    words = re.findall(r"(?<![-\w])[A-Za-z]+(?:\.[a-z]\.)?", text)
    stop = sum(1 for w in words if w.lower().rstrip(".") in STOPWORDS)
    return stop >= 1 and letters >= 3 * han


CODE_IN_PARENS = set("'\"[]|")


def convert_literal(lit, in_tests=False):
    """Returns a list of (src_start, src_end, replacement) edits for the literal."""
    parts = lit.parts
    chars = [p[3] if p[0] == "u" else None for p in parts]   # None = interpolation
    if not any(is_han(c) for c in chars if c):
        return []
    if is_data(lit, in_tests):
        return []
    english = is_english(chars)
    n = len(parts)
    protected = [False] * n
    # Lines: protection of command lines (multi-line literals), backticks, URLs, formats.
    line_start = 0
    for k in range(n + 1):
        if k == n or chars[k] == "\n":
            seg = "".join(c if c is not None else "\x01" for c in chars[line_start:k])
            if lit.multiline and COMMAND_LINE_RE.match(seg):
                for m in range(line_start, k):
                    protected[m] = True
            for rx in (URL_RE, FORMAT_RE):
                for mo in rx.finditer(seg):
                    for m in range(line_start + mo.start(), line_start + mo.end()):
                        protected[m] = True
            ticks = [line_start + t for t, c in enumerate(seg) if c == "`"]
            for a, b in zip(ticks[0::2], ticks[1::2]):
                for m in range(a, b + 1):
                    protected[m] = True
            line_start = k + 1
    eff = list(chars)
    drop = [False] * n

    def prev_index(k, skip_space=False):
        k -= 1
        while skip_space and k >= 0 and eff[k] == " " and not drop[k]:
            k -= 1
        while k >= 0 and drop[k]:
            k -= 1
        return k

    def next_index(k, skip_space=False):
        k += 1
        while k < n and (drop[k] or (skip_space and eff[k] == " ")):
            k += 1
        return k

    def preceding_word(k):
        w = ""
        while k >= 0 and eff[k] and eff[k].isascii() and eff[k].isalnum():
            w = eff[k] + w
            k -= 1
        return w

    def at(k):
        return eff[k] if 0 <= k < n else ""

    # Parenthesis pairs.
    stack = []
    pairs = []
    for k, c in enumerate(chars):
        if c == "(" and not protected[k]:
            stack.append(k)
        elif c == ")" and not protected[k] and stack:
            pairs.append((stack.pop(), k))
    for a, b in sorted(pairs):
        content = chars[a + 1:b]
        before = a - 1
        space_before = False
        if at(before) == " ":
            space_before = True
            before -= 1
        han_inside = any(is_han(c) for c in content if c)
        text_inside = [c for c in content if c and c != " "]
        if (any(c in CODE_IN_PARENS for c in text_inside) and not all(c in "'\"" for c in text_inside)) \
                or at(a - 1) in ("<", "$", "\\"):
            continue    # code: f("x", "y"), <(printf '…'), $(…); but (") and ("") are quoted marks
        if english:
            if space_before or not is_cjk(at(before)) or not han_inside:
                continue
        elif not ((not space_before and (is_cjk(at(before)) or eff[a - 1] is None)) or han_inside
                  or (not space_before and is_cjk(at(b + 1)))):
            continue
        eff[a], eff[b] = "（", "）"
        if space_before and is_cjk(at(before)):
            drop[a - 1] = True
        if at(b + 1) == " " and is_cjk(at(b + 2)):
            drop[b + 1] = True
    # , : ; ! ?
    for k, c in enumerate(chars):
        if not c or c not in ",:;!?" or protected[k]:
            continue
        p = prev_index(k)
        q = next_index(k, skip_space=True)
        left, right = at(p), at(q)
        if left and left.isdigit() and right and right.isdigit() and q == k + 1:
            continue
        if c in ":?" and at(k + 1) == "/":
            continue
        convert = False
        if english:
            # only between two Chinese characters, with no space
            if is_han(left) and q == k + 1 and is_han(right):
                convert = True
        elif is_cjk(left):
            convert = True
        elif p < 0 and (is_han(right) or (q < n and eff[q] is None)):
            convert = True      # a literal that continues a sentence: ",改正后…"
        elif p >= 0 and (eff[p] is None or (left.isascii() and (left.isalnum() or left in "\"'`)"))) \
                and is_han(right) and not (c == ":" and preceding_word(p) == "salesvault"):
            convert = True
        elif p >= 0 and eff[p] is None and (q >= n or eff[q] is None or is_cjk(right)):
            # after an interpolation: look at the text before it
            r = p
            while r >= 0 and (eff[r] is None or eff[r] == " "):
                r -= 1
            if r >= 0 and is_cjk(eff[r]) and q < n:
                convert = True
        if not convert:
            continue
        eff[k] = FULL[c]
        m = k + 1
        while m < n and eff[m] == " " and not protected[m]:
            drop[m] = True
            m += 1
    edits = []
    for k in range(n):
        if parts[k][0] != "u":
            continue
        if drop[k]:
            edits.append((parts[k][1], parts[k][2], ""))
        elif eff[k] != chars[k]:
            edits.append((parts[k][1], parts[k][2], eff[k]))
    return edits


def keep_lines(src):
    keep = set()
    for no, line in enumerate(src.split("\n"), 1):
        if "zh-punct: keep" in line:
            keep.add(no)
            keep.add(no + 1)
    return keep


def transform(src, in_tests=False):
    """Returns (new source, [line numbers changed])."""
    changed = []
    for _ in range(5):
        literals = lex(src)
        keep = keep_lines(src)
        edits = []
        for lit in literals:
            if not lit.parts:
                continue
            line = src.count("\n", 0, lit.start) + 1
            if line in keep:
                continue
            e = convert_literal(lit, in_tests)
            if e:
                edits.extend(e)
                changed.append(line)
        if not edits:
            break
        edits.sort()
        out = []
        pos = 0
        for a, b, r in edits:
            if a < pos:
                continue    # nested literal edits overlapping: skip (next pass)
            out.append(src[pos:a])
            out.append(r)
            pos = b
        out.append(src[pos:])
        src = "".join(out)
    return src, sorted(set(changed))


def swift_files(paths):
    for p in paths:
        if os.path.isfile(p):
            yield p
            continue
        for root, dirs, files in os.walk(p):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "Fixtures")
            for f in sorted(files):
                if f.endswith(".swift"):
                    yield os.path.join(root, f)


def main(argv):
    check = "--check" in argv
    listing = "--list" in argv
    paths = [a for a in argv if not a.startswith("--")]
    if not paths:
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        paths = [os.path.join(root, "Sources"), os.path.join(root, "Tests")]
    offenders = 0
    files_changed = 0
    for path in swift_files(paths):
        with open(path, encoding="utf-8") as f:
            src = f.read()
        new, lines = transform(src, in_tests=os.sep + "Tests" + os.sep in os.path.abspath(path))
        if new == src:
            continue
        files_changed += 1
        if check or listing:
            old_lines = src.split("\n")
            for no in lines:
                offenders += 1
                print(f"{path}:{no}: {old_lines[no - 1].strip()}")
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(new)
    if check or listing:
        if offenders:
            print(f"{offenders} literal(s) in {files_changed} file(s) have ASCII punctuation in Chinese text; "
                  f"run Scripts/lib/zh-punctuation.py to convert", file=sys.stderr)
        return 1 if (check and offenders) else 0
    print(f"zh-punctuation: {files_changed} file(s) changed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
