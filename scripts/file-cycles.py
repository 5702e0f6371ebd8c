#!/usr/bin/env python3
"""Cycles between the files of a Rust crate.

The graph: a node per source file, and A -> B when A names an item defined in B, whether by
`use`, by a path in code (`crate::summary::Summary`, `super::Partial`, `format::detect::Detected`)
or through a glob import. Re-exports are resolved: naming `crate::Summary` where lib.rs has
`pub use summary::Summary` is an edge to summary.rs, not to lib.rs. `mod` declarations are not
edges (a parent declares its children), and test modules (`#[cfg(test)]`) are left out.

A cycle means two files cannot be read, changed or moved apart: the layers the design draws are
not the ones the code has. `make lint` runs this over every crate and fails on any cycle.

Usage: file-cycles.py CRATE_DIR...   prints each cycle, exits 1 if there is one
       file-cycles.py --graph CRATE_DIR   prints the edges
       file-cycles.py --stats CRATE_DIR...   a line per crate: files, edges, files in cycles

It reads Rust lexically, not with a compiler: enough for this code base (no `#[path]`, no
macros that define items), and it errs towards more edges, never fewer.
"""

import os
import re
import sys

KEYWORDS_ITEM = {"fn", "struct", "enum", "trait", "type", "const", "static", "union"}
PATH_ROOTS = {"crate", "super", "self"}


def lex(text):
    """Tokens of Rust source: identifiers, `::`, and single punctuation; no comments, no literals."""
    tokens = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif c in "rb" and re.match(r'(br|r)#*"', text[i:i + 300]):
            m = re.match(r'(br|r)(#*)"', text[i:i + 300])
            end = '"' + m.group(2)
            j = text.find(end, i + m.end())
            i = n if j < 0 else j + len(end)
            tokens.append('"')
        elif c == '"' or (c == "b" and text.startswith('b"', i)):
            i += 2 if c == "b" else 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            tokens.append('"')
        elif c == "'" or (c == "b" and text.startswith("b'", i)):
            # A char literal ('x', '\n', '\u{..}') or a lifetime ('a).
            k = i + (2 if c == "b" else 1)
            m = re.match(r"(\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'", text[k:])
            if m:
                i = k + m.end()
                tokens.append("'")
            else:
                m = re.match(r"[A-Za-z_][A-Za-z0-9_]*", text[k:])
                i = k + (m.end() if m else 0)
                if not m:
                    i += 1
        elif c.isalpha() or c == "_":
            m = re.match(r"[A-Za-z_][A-Za-z0-9_]*", text[i:i + 200])
            i += m.end()
            tokens.append(m.group(0))
        elif text.startswith("::", i):
            tokens.append("::")
            i += 2
        elif c.isdigit():
            m = re.match(r"[0-9][0-9A-Za-z_.]*", text[i:])
            i += m.end()
            tokens.append("0")
        else:
            tokens.append(c)
            i += 1
    return tokens


def skip_item(tokens, i):
    """The index after the item starting at `i`: its `;` at depth 0 or its closing brace."""
    depth = 0
    while i < len(tokens):
        t = tokens[i]
        if t in "{([":
            depth += 1
        elif t in "})]":
            depth -= 1
            if depth == 0 and t == "}":
                return i + 1
        elif t == ";" and depth == 0:
            return i + 1
        i += 1
    return i


def strip_tests(tokens):
    """The tokens without items under `#[cfg(test)]` (test modules, test-only helpers)."""
    out, i = [], 0
    while i < len(tokens):
        if tokens[i:i + 7] == ["#", "[", "cfg", "(", "test", ")", "]"]:
            j = i + 7
            while j < len(tokens) and tokens[j] == "#":  # further attributes
                j = skip_item(tokens, j + 1) if tokens[j + 1] == "[" else j + 1
            i = skip_item(tokens, j)
            continue
        out.append(tokens[i])
        i += 1
    return out


class Module:
    def __init__(self, path, file):
        self.path = path  # tuple of names from the crate root
        self.file = file
        self.children = {}  # name -> Module
        self.items = set()  # names defined here
        self.imports = {}  # name -> (absolute segments) brought in by `use`
        self.globs = []  # absolute module paths glob-imported
        self.paths = []  # (segments, module) named in code


def parse_use_tree(tokens, i, prefix, out):
    """Parses a use tree at `i`; appends (segments, alias or '*') to `out`; returns the end index."""
    segs = list(prefix)
    while i < len(tokens):
        t = tokens[i]
        if t == "{":
            i += 1
            while tokens[i] != "}":
                i = parse_use_tree(tokens, i, segs, out)
                if tokens[i] == ",":
                    i += 1
            return i + 1
        if t == "*":
            out.append((segs, "*"))
            return i + 1
        if t == "::":
            i += 1
            continue
        if re.match(r"[A-Za-z_]", t):
            segs = segs + [t]
            i += 1
            if i < len(tokens) and tokens[i] == "as":
                out.append((segs, tokens[i + 1]))
                return i + 2
            if i < len(tokens) and tokens[i] == "::":
                continue
            out.append((segs, segs[-1]))
            return i
        return i + 1
    return i


def load_crate(crate_dir):
    src = os.path.join(crate_dir, "src")
    roots = [f for f in ("lib.rs", "main.rs") if os.path.exists(os.path.join(src, f))]
    modules = {}
    # A crate with both lib.rs and main.rs is two trees; the binary names the library by crate
    # name, which is outside this graph, so each tree is read on its own under one root path.
    for root in roots:
        load_file(os.path.join(src, root), (), src, modules, is_dir_owner=True)
    return modules


def load_file(file, path, directory, modules, is_dir_owner):
    with open(file, encoding="utf-8") as f:
        tokens = strip_tests(lex(f.read()))
    module = Module(path, file)
    modules.setdefault(path, module)
    module = modules[path]
    child_dir = directory if is_dir_owner else os.path.join(directory, path[-1])
    read_module_tokens(tokens, 0, len(tokens), module, child_dir, modules)
    return module


def read_module_tokens(tokens, start, end, module, child_dir, modules):
    i, depth = start, 0
    while i < end:
        t = tokens[i]
        if t == "{":
            depth += 1
        elif t == "}":
            depth -= 1
        elif t == "mod" and i + 1 < end and re.match(r"[A-Za-z_]", tokens[i + 1]) and depth == 0 \
                and (i == 0 or tokens[i - 1] != "::"):
            name = tokens[i + 1]
            if tokens[i + 2] == ";":
                sub = os.path.join(child_dir, name + ".rs")
                owner = False
                if not os.path.exists(sub):
                    sub = os.path.join(child_dir, name, "mod.rs")
                    owner = True
                child = load_file(sub, module.path + (name,), child_dir if not owner else
                                  os.path.join(child_dir, name), modules, is_dir_owner=owner)
                module.children[name] = child
                i += 3
                continue
            if tokens[i + 2] == "{":
                close = skip_item(tokens, i + 2)
                child = Module(module.path + (name,), module.file)
                modules[child.path] = child
                module.children[name] = child
                read_module_tokens(tokens, i + 3, close - 1, child, os.path.join(child_dir, name), modules)
                i = close
                continue
        elif t == "use" and (i == 0 or tokens[i - 1] != "::"):
            out = []
            j = parse_use_tree(tokens, i + 1, [], out)
            for segs, alias in out:
                if alias == "*":
                    module.globs.append(segs)
                elif alias != "_":
                    module.imports[alias] = segs
                if segs and segs[-1] == "self":
                    module.imports[alias if alias != "self" else segs[-2]] = segs[:-1]
            i = j
            continue
        elif depth == 0 and t in KEYWORDS_ITEM and i + 1 < end and re.match(r"[A-Za-z_]", tokens[i + 1]):
            module.items.add(tokens[i + 1])
        elif t == "macro_rules" and i + 2 < end:
            module.items.add(tokens[i + 2])
        if re.match(r"[A-Za-z_]", t) and (i == 0 or tokens[i - 1] != "::"):
            segs, j = [t], i + 1
            while j + 1 < end and tokens[j] == "::" and re.match(r"[A-Za-z_]", tokens[j + 1]):
                segs.append(tokens[j + 1])
                j += 2
            module.paths.append(segs)
        i += 1


class Crate:
    def __init__(self, modules):
        self.modules = modules

    def start(self, segs, module):
        """The module a path's first segment leads to, and the segments left; None if external."""
        first = segs[0]
        if first == "crate":
            return self.modules[()], segs[1:]
        if first == "self":
            return module, segs[1:]
        if first == "super":
            m, rest = module, segs
            while rest and rest[0] == "super":
                m, rest = self.modules[m.path[:-1]], rest[1:]
            return m, rest
        if first in module.children:
            return module, segs
        return None, segs

    def resolve(self, segs, module, seen=None):
        """The files defining what `segs`, named from `module`, names (after re-exports)."""
        seen = seen or set()
        key = (tuple(segs), module.path)
        if key in seen:
            return set()
        seen.add(key)
        m, rest = self.start(segs, module)
        if m is None:
            target = module.imports.get(segs[0])
            # `use memchr::memchr` names an external crate's item after the crate: not local.
            if target and target[0] != segs[0] and len(seen) < 64:
                return self.resolve(module.imports[segs[0]] + segs[1:], module, seen)
            return set()
        while rest and rest[0] in m.children:
            m, rest = m.children[rest[0]], rest[1:]
        if not rest:
            return set()  # a module itself: naming it names nothing in it
        return self.item(m, rest[0], seen)

    def item(self, m, name, seen):
        """The files defining `name` as reached in module `m`."""
        if name in m.items:
            return {m.file}
        if name in m.imports:
            return self.resolve(m.imports[name], m, seen)
        found = set()
        for glob in m.globs:
            target, rest = self.start(glob, m) if glob else (None, glob)
            if target is None:
                continue
            while rest and rest[0] in target.children:
                target, rest = target.children[rest[0]], rest[1:]
            if rest:
                continue
            found |= self.item(target, name, seen)
        return found

    def edges(self):
        edges = {}
        for m in self.modules.values():
            out = edges.setdefault(m.file, set())
            for segs in m.paths:
                if segs[0] in PATH_ROOTS or segs[0] in m.children or segs[0] in m.imports \
                        or segs[0] in m.items:
                    out |= self.resolve(segs, m)
                elif m.globs:
                    for f in self.item_through_globs(m, segs[0]):
                        out.add(f)
            for alias, segs in m.imports.items():
                out |= self.resolve(segs, m)
            out.discard(m.file)
        return edges

    def item_through_globs(self, m, name):
        found = set()
        for glob in m.globs:
            target, rest = self.start(glob, m)
            if target is None:
                continue
            while rest and rest[0] in target.children:
                target, rest = target.children[rest[0]], rest[1:]
            if not rest:
                found |= self.item(target, name, set())
        return found


def cycles(edges):
    """Strongly connected components of more than one file (Tarjan), each sorted."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def one_cycle(edges, comp):
    """A shortest cycle through the component's first file, as a list of files."""
    start, members = comp[0], set(comp)
    paths, frontier = {start: [start]}, [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(edges.get(v, ())):
                if w == start:
                    return paths[v] + [start]
                if w in members and w not in paths:
                    paths[w] = paths[v] + [w]
                    nxt.append(w)
        frontier = nxt
    return comp


def main(argv):
    mode = "check"
    if argv and argv[0] in ("--graph", "--stats"):
        mode, argv = argv[0][2:], argv[1:]
    if not argv:
        print(__doc__.strip().split("\n\n")[-2], file=sys.stderr)
        return 2
    bad = False
    for crate_dir in argv:
        crate = Crate(load_crate(crate_dir))
        edges = crate.edges()
        rel = lambda f: os.path.relpath(f, crate_dir)
        comps = cycles(edges)
        if mode == "graph":
            for a in sorted(edges):
                for b in sorted(edges[a]):
                    print(f"{rel(a)} -> {rel(b)}")
        elif mode == "stats":
            in_cycles = sum(len(c) for c in comps)
            biggest = max((len(c) for c in comps), default=0)
            print(f"{crate_dir}: {len(edges)} files, {sum(len(v) for v in edges.values())} edges, "
                  f"{len(comps)} cycles, {in_cycles} files in cycles, largest {biggest}")
        for comp in comps:
            bad = True
            if mode == "check":
                print(f"{crate_dir}: {len(comp)} files in a cycle: {', '.join(rel(f) for f in comp)}")
                print("  for example: " + " -> ".join(rel(f) for f in one_cycle(edges, comp)))
    return 1 if bad and mode == "check" else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
