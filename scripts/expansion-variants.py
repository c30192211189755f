#!/usr/bin/env python3
"""Writes a variant of an instrumented crate's expanded source with one construct of the
expansion taken out, so that what the construct costs the compiler can be counted
(`scripts/expansion-shares.sh` runs it and counts each variant).

Usage: scripts/expansion-variants.py EXPANDED VARIANT OUT

EXPANDED is the crate's source as `-Zunpretty=expanded` prints it. The variants:

  as-written          every gated body's instrumented copy replaced by its copy as written
                      (the sites' tables kept): what the instrumentation costs beyond them
  as-written-bare     the same without the tables
  one-table           every function's table of sites merged into one crate-level `static`
  no-guards           the guards taken out: their declarations, binds and every use
  no-binds            only the guards' `bind` and `bind_argument` statements taken out
  no-uses             the blocks that record a copy or a move (`{ g.copied(..); x }`) taken out
  no-events           the statements that record one event (`event(..);`) taken out
  no-frames           the frames (`let f = Frame::enter();`) taken out
  no-spans            the spans of blocks, matches and loops taken out
  small-gates-N       the per-call gate only on bodies of at most N tokens as written
  wrapped-guards      every guard made through a wrapper that owns it and drops it
  wrapped-guards-leaked
                      the same wrapper without a destructor: the difference between the two
                      is what the guards' drops (and the unwinding paths they need) cost
  deferred-guards     each guard whose binding is bound by a plain `bind`, and not named
                      between, declared without a value (`let g;`) and made and bound in one
                      call after the binding (`g = bound(site, &x);`): still declared before
                      the binding, so still dropped after it, with one call instead of two;
                      and a parameter's guard made and bound in one call
  no-drops            every guard, frame and span made inside a `ManuallyDrop`: no destructor
                      runs, so no call needs a path that drops them when unwinding (what those
                      paths cost, in code generation above all)
  no-guard-drops      `no-drops` for the bindings' guards alone (frames and spans keep theirs)
  event-pass          each value passed through `pass(site, op, id, arg, value)` written as
                      `(value, event(site, op, id, arg)).0`: the generic call against a tuple
  no-loop-copies      every innermost loop's body left with its instrumented copy alone, without
                      the copy as written behind the per-iteration gate (`live_iteration()`)
  no-arms             each `g.arm();` directly followed by the same guard's `bind` or
                      `bind_argument` taken out: what one call doing both would save
  path-calls          every guard's method call (`g.copied(..)`) written as a call by path
                      (`Guard::copied(&g, ..)`): what resolving the methods costs

The variants are made by matching the expansion's text, not by parsing it: they are a
measuring tool for BorrowScope's own output, and compile only as far as that output keeps
the shapes matched here.
"""

import re
import sys

PRIVATE = "::borrowscope_runtime::__private::"
GATE = "if " + PRIVATE + "active() {"
TABLE = re.compile(r"static __BORROWSCOPE_SITES:\s*" + re.escape(PRIVATE) + r"Sites\s*=\s*"
                   + re.escape(PRIVATE) + r"Sites::new\((\"(?:[^\"\\]|\\.)*\")\);")
SITE = r"&__BORROWSCOPE_SITES,\s*\d+u32"


def skip_literal(text, i):
    """The index just past the string or character literal starting at `i`, or `i` itself."""
    if text[i] == '"':
        i += 1
        while text[i] != '"':
            i += 2 if text[i] == "\\" else 1
        return i + 1
    if text[i] == "'" and text[i + 1] == "\\":
        return text.index("'", i + 2) + 1
    if text[i] == "'" and i + 2 < len(text) and text[i + 2] == "'":
        return i + 3
    return i


def closing(text, i):
    """The index of the bracket that closes the one at `i`."""
    depth = 0
    while i < len(text):
        after = skip_literal(text, i)
        if after != i:
            i = after
            continue
        if text[i] in "([{":
            depth += 1
        elif text[i] in ")]}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError("unbalanced brackets")


def split_arguments(text):
    """The top-level comma-separated parts of `text`, stripped."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        after = skip_literal(text, i)
        if after != i:
            i = after
            continue
        c = text[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
        i += 1
    if text[start:].strip():
        parts.append(text[start:].strip())
    return parts


def gates(text):
    """Each outermost gate: (start, then-block open, then-block close, else-block open,
    else-block close)."""
    found, i = [], 0
    while (start := text.find(GATE, i)) >= 0:
        then_open = start + len(GATE) - 1
        then_close = closing(text, then_open)
        else_open = text.index("{", text.index("else", then_close))
        else_close = closing(text, else_open)
        found.append((start, then_open, then_close, else_open, else_close))
        i = else_close + 1
    return found


def rebuild_gates(text, body):
    """The text with each gate replaced by `body(instrumented, as_written)`."""
    out, i = [], 0
    for start, then_open, then_close, else_open, else_close in gates(text):
        out.append(text[i:start])
        out.append(body(text[then_open + 1:then_close], text[else_open + 1:else_close]))
        i = else_close + 1
    out.append(text[i:])
    return "".join(out)


def tokens(text):
    return len(re.findall(r"\w+|[^\s\w]", text))


def remove_calls(text, pattern):
    """Takes out each statement `pattern(..);` (a regex ending at the call's open bracket)."""
    out, i = [], 0
    for m in re.finditer(pattern, text):
        if m.start() < i:
            continue
        end = closing(text, m.end() - 1)
        if text[end + 1:end + 2] == ";":
            out.append(text[i:m.start()])
            i = end + 2
    out.append(text[i:])
    return "".join(out)


def without_uses(text):
    return re.sub(r"\{\s*__borrowscope_g\d+\.(copied|moved)\(" + SITE + r",\s*[^;]*?\);\s*([A-Za-z_]\w*)\s*\}", r"\2", text)


def without_guards(text):
    text = re.sub(r"let __borrowscope_g\d+\s*=\s*" + re.escape(PRIVATE) + r"Guard::(new|sampled)\(" + SITE + r"(,\s*\d+u64)?\);", "", text)
    text = without_uses(text)
    text = re.sub(r"__borrowscope_g\d+\.id\(\)", "0u64", text)
    # `assigned(&g, value)` -> `(value)`: the guard, its first argument, holds no comma.
    out, i = [], 0
    for m in re.finditer(re.escape(PRIVATE) + r"assigned\(&__borrowscope_g\d+,", text):
        end = closing(text, m.end() - len(m.group(0)) + len(PRIVATE) + len("assigned"))
        out += [text[i:m.start()], "(", text[m.end():end], ")"]
        i = end + 1
    out.append(text[i:])
    text = "".join(out)
    out, i = [], 0
    for m in re.finditer(r"__borrowscope_g\d+\.\w+\(", text):
        if m.start() < i:
            continue
        end = closing(text, m.end() - 1)
        out.append(text[i:m.start()])
        if text[end + 1:end + 2] == ";":
            i = end + 2
        else:
            out.append("()")
            i = end + 1
    out.append(text[i:])
    return "".join(out)


def one_table(text):
    rows = [m.group(1)[1:-1] for m in TABLE.finditer(text)]
    text = TABLE.sub("", text).replace("&__BORROWSCOPE_SITES", "&crate::__BORROWSCOPE_ALL_SITES")
    return text + '\nstatic __BORROWSCOPE_ALL_SITES: ' + PRIVATE + 'Sites = ' + PRIVATE + 'Sites::new("' + "".join(rows) + '");\n'


WRAPPER = """
mod __borrowscope_wrapped {
    use ::borrowscope_runtime::__private as rt;
    pub struct Guard(::core::mem::ManuallyDrop<rt::Guard>);
    impl Guard {
        pub fn new(table: &'static rt::Sites, row: u32) -> Guard {
            Guard(::core::mem::ManuallyDrop::new(rt::Guard::new(table, row)))
        }
        pub fn sampled(table: &'static rt::Sites, row: u32, per_million: u64) -> Guard {
            Guard(::core::mem::ManuallyDrop::new(rt::Guard::sampled(table, row, per_million)))
        }
    }
    impl ::core::ops::Deref for Guard {
        type Target = rt::Guard;
        fn deref(&self) -> &rt::Guard {
            &self.0
        }
    }
"""
DROP = """    impl ::core::ops::Drop for Guard {
        fn drop(&mut self) {
            unsafe { ::core::mem::ManuallyDrop::drop(&mut self.0) }
        }
    }
"""


def wrapped_guards(text, dropped):
    text = re.sub(re.escape(PRIVATE) + r"Guard::(new|sampled)\(", r"crate::__borrowscope_wrapped::Guard::\1(", text)
    return text + WRAPPER + (DROP if dropped else "") + "}\n"


DEFERRED = """
mod __borrowscope_deferred {
    use ::borrowscope_runtime::__private as rt;
    pub fn bound<T: ?Sized>(table: &'static rt::Sites, row: u32, value: &T) -> rt::Guard {
        let guard = rt::Guard::new(table, row);
        guard.bind(value);
        guard
    }
    pub fn argument<T>(table: &'static rt::Sites, row: u32, value: &T, function: &'static str, index: u32) -> rt::Guard {
        let guard = rt::Guard::new(table, row);
        guard.bind_argument(value, function, index);
        guard
    }
}
"""


def deferred_guards(text):
    """`let g = Guard::new(site); .. g.bind(&x);` -> `let g; .. g = bound(site, &x);` where
    nothing names `g` between the two."""
    declaration = re.compile(r"let (__borrowscope_g\d+)\s*=\s*" + re.escape(PRIVATE) + r"Guard::new\((" + SITE + r")\);")
    out, i, changed = [], 0, 0
    for m in declaration.finditer(text):
        if m.start() < i:
            continue
        guard = m.group(1)
        named = re.compile(r"\b" + guard + r"\b")
        following = named.search(text, m.end())
        if not following or not text.startswith(guard + ".bind(", following.start()):
            continue
        open_at = following.start() + len(guard + ".bind")
        end = closing(text, open_at)
        if text[end + 1:end + 2] != ";":
            continue
        out += [text[i:m.start()], "let " + guard + ";", text[m.end():following.start()],
                guard + " = crate::__borrowscope_deferred::bound(" + m.group(2) + ", " + text[open_at + 1:end] + ");"]
        i = end + 2
        changed += 1
    out.append(text[i:])
    text = "".join(out)
    # A parameter's guard, bound right after it is made.
    argument = re.compile(r"let (__borrowscope_g\d+)\s*=\s*" + re.escape(PRIVATE) + r"Guard::new\((" + SITE + r")\);\s*(__borrowscope_g\d+)\.bind_argument\(")
    out, i = [], 0
    for m in argument.finditer(text):
        if m.start() < i or m.group(1) != m.group(3):
            continue
        end = closing(text, m.end() - 1)
        out += [text[i:m.start()], "let " + m.group(1) + " = crate::__borrowscope_deferred::argument(" + m.group(2) + ", " + text[m.end():end] + ");"]
        i = end + 2
        changed += 1
    out.append(text[i:])
    print(f"deferred-guards: {changed} guards made in one call", file=sys.stderr)
    return "".join(out) + DEFERRED


def variant(text, name):
    if name == "as-written":
        def keep_table(instrumented, as_written):
            table = TABLE.search(instrumented)
            return GATE + (table.group(0) if table else "") + as_written + "} else {" + as_written + "}"
        return rebuild_gates(text, keep_table)
    if name == "as-written-bare":
        return rebuild_gates(text, lambda instrumented, as_written: GATE + as_written + "} else {" + as_written + "}")
    if name == "one-table":
        return one_table(text)
    if name == "no-guards":
        return without_guards(text)
    if name == "no-binds":
        return remove_calls(text, r"__borrowscope_g\d+\.(bind|bind_argument)\(")
    if name == "no-uses":
        return without_uses(text)
    if name == "no-events":
        return re.sub(re.escape(PRIVATE) + r"event\(" + SITE + r",\s*" + re.escape(PRIVATE) + r"Op::\w+,\s*\d+,\s*\d+\);", "", text)
    if name == "no-frames":
        return re.sub(r"let __borrowscope_frame\d+\s*=\s*" + re.escape(PRIVATE) + r"Frame::enter\(\);", "", text)
    if name == "no-spans":
        return re.sub(r"let __borrowscope_\w+?\d+\s*=\s*" + re.escape(PRIVATE) + r"Span::enter\(" + SITE + r",\s*"
                      + re.escape(PRIVATE) + r"Op::\w+,\s*" + re.escape(PRIVATE) + r"Op::\w+\);", "", text)
    if name in ("wrapped-guards", "wrapped-guards-leaked"):
        return wrapped_guards(text, name == "wrapped-guards")
    if name == "deferred-guards":
        return deferred_guards(text)
    if name in ("no-drops", "no-guard-drops"):
        made = "Guard::new|Guard::sampled" + ("|Frame::enter|Span::enter" if name == "no-drops" else "")
        out, i = [], 0
        for m in re.finditer(re.escape(PRIVATE) + "(" + made + r")\(", text):
            end = closing(text, m.end() - 1)
            out += [text[i:m.start()], "::core::mem::ManuallyDrop::new(", text[m.start():end + 1], ")"]
            i = end + 1
        out.append(text[i:])
        return "".join(out)
    if name == "event-pass":
        out, i = [], 0
        for m in re.finditer(re.escape(PRIVATE) + r"pass\(", text):
            if m.start() < i:
                continue
            end = closing(text, m.end() - 1)
            args = split_arguments(text[m.end():end])
            if len(args) != 6:
                continue
            out += [text[i:m.start()], "(", args[5], ", ", PRIVATE, "event(", ", ".join(args[:5]), ")).0"]
            i = end + 1
        out.append(text[i:])
        return "".join(out)
    if name == "no-loop-copies":
        out, i = [], 0
        for m in re.finditer(r"if __borrowscope_\w+?\d+\.live_iteration\(\)\s*\{", text):
            if m.start() < i:
                continue
            then_close = closing(text, m.end() - 1)
            else_open = text.index("{", text.index("else", then_close))
            else_close = closing(text, else_open)
            out += [text[i:m.start()], text[m.end() - 1:then_close + 1]]
            i = else_close + 1
        out.append(text[i:])
        return "".join(out)
    if name == "no-arms":
        return re.sub(r"(__borrowscope_g\d+)\.arm\(\);(\s*)(?=\1\.(bind|bind_argument)\()", r"\2", text)
    if name == "path-calls":
        def by_path(m):
            return PRIVATE + "Guard::" + m.group(2) + "(&" + m.group(1) + (")" if m.group(3) else ", ")
        return re.sub(r"\b(__borrowscope_g\d+)\.(\w+)\((\))?", by_path, text)
    if m := re.fullmatch(r"small-gates-(\d+)", name):
        limit = int(m.group(1))
        return rebuild_gates(text, lambda instrumented, as_written: "{" + instrumented + "}" if tokens(as_written) > limit
                             else GATE + instrumented + "} else {" + as_written + "}")
    raise SystemExit(f"unknown variant `{name}` (see the list at the top of {sys.argv[0]})")


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    source, name, out = sys.argv[1:]
    with open(source, encoding="utf-8") as f:
        text = f.read()
    with open(out, "w", encoding="utf-8") as f:
        f.write(variant(text, name))


if __name__ == "__main__":
    main()
