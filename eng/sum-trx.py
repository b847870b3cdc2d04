#!/usr/bin/env python3
"""Sums the <Counters> of the TRX files test.sh writes, one per test project, into "passed failed skipped".

Usage: sum-trx.py <results folder> <expected number of TRX files>

Reads result files rather than console text so nothing depends on dotnet test's output format. Exits non-zero when
there is no TRX file, when their number differs from the number of test projects (a project that crashed before
writing one must not vanish from the sum), or when one has no counters.
"""
import glob
import os
import sys
import xml.etree.ElementTree as ET


def counters(path):
    root = ET.parse(path).getroot()
    for element in root.iter():
        # TRX elements are namespaced (…/TeamTest/2010); match the local name.
        if element.tag.rsplit("}", 1)[-1] == "Counters":
            return {key: int(value) for key, value in element.attrib.items() if value.isdigit()}
    return None


def main():
    folder, expected = sys.argv[1], int(sys.argv[2])
    files = sorted(glob.glob(os.path.join(folder, "*.trx")))
    if not files:
        sys.exit(f"sum-trx: no TRX file in {folder}")
    if len(files) != expected:
        sys.exit(f"sum-trx: {len(files)} TRX files in {folder}, expected one per test project ({expected}): "
                 + ", ".join(os.path.basename(f) for f in files))

    passed = failed = skipped = 0
    for path in files:
        c = counters(path)
        if c is None:
            sys.exit(f"sum-trx: no <Counters> in {path}")
        # xunit's skipped tests are "NotExecuted"; errors, timeouts, aborts and anything else that neither passed nor
        # was skipped count as failures, so the summary can never look better than the run.
        p, s = c.get("passed", 0), c.get("notExecuted", 0)
        f = max(c.get("total", 0) - p - s, c.get("failed", 0) + c.get("error", 0) + c.get("timeout", 0) + c.get("aborted", 0))
        print(f"  {os.path.basename(path)}: {p} passed, {f} failed, {s} skipped", file=sys.stderr)
        passed, failed, skipped = passed + p, failed + f, skipped + s
    print(passed, failed, skipped)


if __name__ == "__main__":
    main()
