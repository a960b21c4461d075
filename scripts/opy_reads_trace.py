#!/usr/bin/env python3
"""openml-python reads the trace.arff of a tuned oml run: every (repeat, fold) of the run's
predictions has exactly one selected iteration, and the parameters decode as JSON.

Usage: python scripts/opy_reads_trace.py RUN_DIR EXPECTED_ROWS
"""

import collections
import sys

from openml.runs.trace import OpenMLRunTrace


def main():
    run_dir, expected = sys.argv[1], int(sys.argv[2])
    trace = OpenMLRunTrace._from_filesystem(f"{run_dir}/trace.arff")
    iterations = trace.trace_iterations
    if len(iterations) != expected:
        sys.exit(f"opy_reads_trace: {len(iterations)} iterations, expected {expected}")
    selected = collections.Counter((r, f) for (r, f, _), it in iterations.items() if it.selected)
    folds = {(r, f) for (r, f, _) in iterations}
    for repeat, fold in sorted(folds):
        if selected[(repeat, fold)] != 1:
            sys.exit(f"opy_reads_trace: repeat {repeat} fold {fold}: "
                     f"{selected[(repeat, fold)]} selected iterations")
        chosen = trace.get_selected_iteration(fold, repeat)
        parameters = iterations[(repeat, fold, chosen)].get_parameters()
        if not parameters:
            sys.exit(f"opy_reads_trace: repeat {repeat} fold {fold}: no parameters")
    print(f"opy_reads_trace: {len(iterations)} iterations, one selected in each of "
          f"{len(folds)} folds, e.g. {parameters}")


if __name__ == "__main__":
    main()
