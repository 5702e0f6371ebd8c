"""Tests of file-cycles.py: it finds cycles planted on purpose, in each way a file can name
another's item, and stays quiet where there is none. Run by `make lint`:
python3 -m unittest discover -s scripts -p 'file_cycles_test.py'
"""

import importlib.util
import io
import os
import shutil
import tempfile
import unittest
from contextlib import redirect_stdout

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("file_cycles", os.path.join(HERE, "file-cycles.py"))
file_cycles = importlib.util.module_from_spec(spec)
spec.loader.exec_module(file_cycles)


def crate(files):
    """A crate in a temporary folder: {relative path under src: text}."""
    root = tempfile.mkdtemp(prefix="file-cycles-")
    for path, text in files.items():
        full = os.path.join(root, "src", path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)
    return root


def check(root):
    out = io.StringIO()
    with redirect_stdout(out):
        code = file_cycles.main([root])
    shutil.rmtree(root) if root.startswith(tempfile.gettempdir()) else None
    return code, out.getvalue()


class PlantedCycles(unittest.TestCase):
    def test_a_use_each_way_is_a_cycle(self):
        code, out = check(crate({
            "lib.rs": "mod a;\nmod b;\n",
            "a.rs": "use crate::b::B;\npub struct A(B);\n",
            "b.rs": "use crate::a::A;\npub fn b(_: A) {}\npub struct B;\n",
        }))
        self.assertEqual(code, 1)
        self.assertIn("src/a.rs -> src/b.rs -> src/a.rs", out)

    def test_a_cycle_through_a_re_export_is_seen(self):
        # b names `crate::A`, which lib.rs re-exports from a: the edge is b -> a.
        code, out = check(crate({
            "lib.rs": "mod a;\nmod b;\npub use a::A;\n",
            "a.rs": "pub struct A;\npub fn f() { crate::b::g() }\n",
            "b.rs": "pub fn g() { let _ = crate::A; }\n",
        }))
        self.assertEqual(code, 1, out)
        self.assertIn(": 2 files in a cycle: src/a.rs, src/b.rs\n", out)

    def test_paths_in_code_super_and_nested_folders(self):
        code, out = check(crate({
            "lib.rs": "mod format;\nmod partial;\n",
            "format/mod.rs": "mod go;\npub use go::Go;\n",
            "format/go.rs": "pub struct Go;\nfn f() -> crate::partial::Partial { todo!() }\n",
            "partial.rs": "pub struct Partial;\nfn g() { let _ = crate::format::Go; }\n",
        }))
        self.assertEqual(code, 1, out)
        self.assertIn("src/format/go.rs", out)

    def test_a_glob_import_names_what_it_uses(self):
        code, out = check(crate({
            "lib.rs": "mod a;\nmod b;\n",
            "a.rs": "use crate::b::*;\npub struct A;\nfn f() -> B { B }\n",
            "b.rs": "pub struct B;\nfn g() { let _ = crate::a::A; }\n",
        }))
        self.assertEqual(code, 1, out)

    def test_the_longest_way_round_is_still_a_cycle(self):
        code, out = check(crate({
            "lib.rs": "mod a;\nmod b;\nmod c;\nmod d;\n",
            "a.rs": "pub struct A;\nuse crate::b::B;\n",
            "b.rs": "pub struct B;\nuse crate::c::C;\n",
            "c.rs": "pub struct C;\nuse crate::d::D;\n",
            "d.rs": "pub struct D;\nuse crate::a::A;\n",
        }))
        self.assertEqual(code, 1, out)
        self.assertIn("4 files in a cycle", out)

    def test_a_planted_cycle_in_a_real_crate(self):
        # A copy of the protocol crate with one import added each way between two of its files.
        root = tempfile.mkdtemp(prefix="file-cycles-")
        shutil.copytree(os.path.join(HERE, "..", "crates", "lra-protocol", "src"), os.path.join(root, "src"))
        self.assertEqual(check_keep(root)[0], 0, "the crate as it is has no cycle")
        with open(os.path.join(root, "src", "text.rs"), "a") as f:
            f.write("\nfn planted() -> Option<crate::Request> { None }\n")
        code, out = check(root)
        self.assertEqual(code, 1, out)
        self.assertIn("src/lib.rs, src/text.rs", out)


def check_keep(root):
    out = io.StringIO()
    with redirect_stdout(out):
        return file_cycles.main([root]), out.getvalue()


class NoCycle(unittest.TestCase):
    def test_layers_pointing_one_way(self):
        code, out = check(crate({
            "lib.rs": "mod base;\nmod model;\npub use model::M;\n",
            "base.rs": "pub struct Options;\n",
            "model.rs": "use crate::base::Options;\npub struct M(Options);\n",
        }))
        self.assertEqual((code, out), (0, ""))

    def test_test_modules_and_mod_declarations_are_not_edges(self):
        code, out = check(crate({
            "lib.rs": "mod a;\nmod b;\n",
            "a.rs": "pub struct A;\nmod inner;\n#[cfg(test)]\nmod tests {\n    use crate::b::B;\n}\n",
            "a/inner.rs": "pub struct I;\n",
            "b.rs": "pub struct B(crate::a::A);\n",
        }))
        self.assertEqual((code, out), (0, ""))

    def test_names_in_comments_strings_and_other_crates_are_not_edges(self):
        code, out = check(crate({
            "lib.rs": "mod a;\nmod b;\n",
            "a.rs": "// crate::b::B\npub const S: &str = \"crate::b::B\";\nuse memchr::memchr;\n",
            "b.rs": "pub struct B;\nfn f() { let _ = crate::a::S; }\n",
        }))
        self.assertEqual((code, out), (0, ""))


if __name__ == "__main__":
    unittest.main()
