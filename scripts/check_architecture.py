#!/usr/bin/env python3
"""Holds ARCHITECTURE.md's code map to the workspace: every crate under crates/ has a section
(`### `crates/NAME``), and no crate depends (normal or build dependencies) on a crate listed
after it. Also: no production source file (src/, tests and benches aside) is over 800 lines, and
the vendored crates' code (their tests aside) calls no transcendental function of the C library
(`x.exp()`, `f64::ln(x)`, ...), whose code glibc picks by the CPU: libm's instead, as clippy.toml
asks of the workspace's crates.

Usage: python3 scripts/check_architecture.py   (from the repository root; needs cargo)
"""

import json
import pathlib
import re
import subprocess
import sys

MAX_LINES = 800

# The standard library's float functions that reach the C library's code, called as methods
# (`x.exp()`) or named by a path (`f64::ln(x)`, `<F as Float>::exp`, `.mapv(Float::exp)`); paths
# into libm, oml-math and a crate's own helpers (`crate::exp`, `super::ln`) are fine.
C_LIBRARY_FUNCTIONS = (r"(exp|exp2|exp_m1|ln|ln_1p|log|log2|log10|powf|sin|cos|tan|tanh|sinh|cosh|"
                       r"asin|acos|atan|atan2|asinh|acosh|atanh|sin_cos|cbrt|hypot)")
C_LIBRARY_CALL = re.compile(
    r"\." + C_LIBRARY_FUNCTIONS + r"\("
    r"|(?<![\w:>])(?!libm::|oml_math::|crate::|super::|self::)(?:(?:\w+|<[^<>]+>)::)+"
    + C_LIBRARY_FUNCTIONS + r"\b(?![!\w])")

# An item under `#[cfg(test)]`: the attribute, then the item up to its block or its `;`.
TEST_ITEM = re.compile(r"#\[cfg\(test\)\]\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?"
                       r"(?:mod|fn|impl|struct|enum|const|static|use)\b[^{;]*")


def without_tests(code):
    """`code` with every `#[cfg(test)]` item blanked (its lines kept, so numbers stay), and the
    names of the test modules it declares out of line (`#[cfg(test)] mod tests;`)."""
    out, out_of_line, position = [], [], 0
    for match in TEST_ITEM.finditer(code):
        if match.start() < position:
            continue
        out.append(code[position:match.start()])
        end = match.end()
        if end < len(code) and code[end] == "{":
            depth = 0
            while end < len(code):
                depth += {"{": 1, "}": -1}.get(code[end], 0)
                end += 1
                if depth == 0:
                    break
        else:
            end = code.find(";", end) + 1 or len(code)
            declared = re.search(r"\bmod\s+(\w+)\s*$", code[match.start():end - 1])
            if declared:
                out_of_line.append(declared.group(1))
        out.append(re.sub(r"[^\n]", " ", code[match.start():end]))
        position = end
    out.append(code[position:])
    return "".join(out), out_of_line


def c_library_calls(root):
    """Calls of the C library's float functions in the vendored crates' code, tests aside."""
    problems, test_files = [], set()
    paths = sorted(root.glob("vendor/*/src/**/*.rs"))
    stripped = {}
    for path in paths:
        stripped[path], modules = without_tests(path.read_text())
        # `mod tests;` in `a.rs` is `a/tests.rs`; in `mod.rs` or `lib.rs`, `tests.rs` beside it.
        here = path.parent if path.name in ("mod.rs", "lib.rs") else path.with_suffix("")
        for module in modules:
            test_files.update({here / f"{module}.rs", here / module / "mod.rs"})
    for path in paths:
        if path in test_files or any(parent / "mod.rs" in test_files for parent in path.parents):
            continue
        for number, line in enumerate(stripped[path].splitlines(), start=1):
            found = C_LIBRARY_CALL.search(line.split("//")[0])
            if found:
                name = found.group(1) or found.group(2)
                problems.append(f"{path.relative_to(root)}:{number}: the C library's {name} "
                                "(call libm's)")
    return problems

def main():
    root = pathlib.Path(__file__).resolve().parent.parent
    text = (root / "ARCHITECTURE.md").read_text()
    order = re.findall(r"^### `crates/([a-z0-9-]+)`", text, flags=re.M)
    metadata = json.loads(subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps", "--offline"],
        cwd=root, check=True, capture_output=True, text=True).stdout)
    crates = {p["name"]: p for p in metadata["packages"]
              if pathlib.Path(p["manifest_path"]).parent.parent.name == "crates"}
    problems = []
    for name in sorted(set(crates) - set(order)):
        problems.append(f"crates/{name} has no section in ARCHITECTURE.md's code map")
    for name in order:
        if name not in crates:
            problems.append(f"ARCHITECTURE.md maps crates/{name}, which is not a workspace crate")
            continue
        for dep in crates[name]["dependencies"]:
            if dep["kind"] == "dev" or dep["name"] not in order:
                continue
            if order.index(dep["name"]) > order.index(name):
                problems.append(f"{name} depends on {dep['name']}, listed after it")
    for path in sorted(root.glob("crates/*/src/**/*.rs")):
        lines = path.read_text().count("\n")
        if lines > MAX_LINES:
            problems.append(f"{path.relative_to(root)}: {lines} lines, more than {MAX_LINES}")
    problems.extend(c_library_calls(root))
    for problem in problems:
        print(f"check_architecture: {problem}", file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"check_architecture: {len(order)} crates in dependency order: {' < '.join(order)}")


if __name__ == "__main__":
    main()
