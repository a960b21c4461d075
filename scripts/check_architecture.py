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
# (`x.exp()`) or named by a path (`f64::ln(x)`, `.mapv(num_traits::Float::exp)`); paths into
# libm, oml-math and a crate's own helpers (`crate::exp`) are fine.
C_LIBRARY_FUNCTIONS = (r"(exp|exp2|exp_m1|ln|ln_1p|log|log2|log10|powf|sin|cos|tan|tanh|sinh|"
                       r"cosh|asin|acos|atan|atan2|cbrt|hypot)\b")
C_LIBRARY_CALL = re.compile(
    r"(?:\.|(?<![\w:])(?!libm::|oml_math::|crate::)(?:\w+::)+)" + C_LIBRARY_FUNCTIONS + r"(?!!)")


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
    for path in sorted(root.glob("vendor/*/src/**/*.rs")):
        code = path.read_text().split("#[cfg(test)]")[0]
        for number, line in enumerate(code.splitlines(), start=1):
            if C_LIBRARY_CALL.search(line.split("//")[0]):
                problems.append(f"{path.relative_to(root)}:{number}: the C library's "
                                f"{C_LIBRARY_CALL.search(line).group(1)} (call libm's)")
    for problem in problems:
        print(f"check_architecture: {problem}", file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"check_architecture: {len(order)} crates in dependency order: {' < '.join(order)}")


if __name__ == "__main__":
    main()
