#!/usr/bin/env python3
"""Compare `leakscope models scan` with picklescan, modelscan and fickling on the
committed fixture corpus and print a table (Markdown).

Nothing is unpickled: all four tools are static scanners. Run with a Python that has
`picklescan modelscan fickling` installed (see bench/models/README.md):

    python bench/models/compare.py [--leakscope PATH] [--fixtures DIR]

Verdict columns: `flag` = reported as dangerous/suspicious, `ok` = reported clean,
`err` = the tool failed on the file (scanners that error out let the file through).
"""
import argparse
import contextlib
import io
import json
import logging
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))


def quiet():
    return contextlib.ExitStack()


def run_picklescan(path):
    from picklescan.scanner import scan_file_path
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        r = scan_file_path(path)
    if r.infected_files or r.issues_count:
        return "flag"
    if getattr(r, "suspicious_count", 0):
        return "flag"
    if r.scan_err:
        return "err"
    return "ok"


_modelscan = None


def run_modelscan(path):
    global _modelscan
    from modelscan.modelscan import ModelScan
    if _modelscan is None:
        _modelscan = ModelScan()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        r = _modelscan.scan(path)
    if r.get("issues"):
        return "flag"
    if r.get("errors"):
        return "err"
    if not r.get("summary", {}).get("scanned", {}).get("total_scanned", 0):
        return "skip"
    return "ok"


def run_fickling(path):
    import fickling
    from fickling.analysis import check_safety, Severity
    from fickling.fickle import Pickled
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        with open(path, "rb") as f:
            head = f.read(4)
        if head.startswith(b"PK"):
            from fickling.pytorch import PyTorchModelWrapper
            pickled = PyTorchModelWrapper(path, force=True).pickled
        else:
            with open(path, "rb") as f:
                pickled = Pickled.load(f, fail_on_decode_error=False)
            if pickled.has_invalid_opcode:
                return "flag"
        sev = check_safety(pickled).severity
    return "ok" if sev == Severity.LIKELY_SAFE else "flag"


TOOLS = {"picklescan": run_picklescan, "modelscan": run_modelscan, "fickling": run_fickling}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--leakscope", default=os.path.join(ROOT, "target", "release", "leakscope"))
    ap.add_argument("--fixtures", default=os.path.join(ROOT, "crates", "leakscope-models", "tests", "fixtures"))
    args = ap.parse_args()
    logging.disable(logging.CRITICAL)

    expected = json.load(open(os.path.join(args.fixtures, "expected.json")))
    t0 = time.time()
    out = subprocess.run([args.leakscope, "models", "scan", "--all-files", "--format", "jsonl", args.fixtures],
                         capture_output=True, text=True)
    ls_time = time.time() - t0
    ours = {}
    for line in out.stdout.split("\n"):
        if not line.strip():
            continue
        v = json.loads(line)
        ours[os.path.relpath(v["path"], args.fixtures)] = v["verdict"]

    rows, times = [], {t: 0.0 for t in TOOLS}
    for e in expected:
        rel = e["file"]
        path = os.path.join(args.fixtures, rel)
        row = {"file": rel, "expected": e["verdict"], "leakscope": ours.get(rel, "missing")}
        for name, fn in TOOLS.items():
            t = time.time()
            try:
                row[name] = fn(path)
            except Exception as ex:  # a crash is a miss for that tool
                row[name] = "err"
            times[name] += time.time() - t
        rows.append(row)

    caught = lambda v: v in ("malicious", "suspicious")
    print("| file | expected | leakscope | picklescan | modelscan | fickling |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['file']} | {r['expected']} | {r['leakscope']} | {r['picklescan']} | {r['modelscan']} | {r['fickling']} |")

    bad = [r for r in rows if caught(r["expected"])]
    good = [r for r in rows if r["file"].startswith("benign/")]
    print()
    print("| tool | flagged (of %d malicious/suspicious) | false positives (of %d benign) | time (s) |" % (len(bad), len(good)))
    print("| --- | --- | --- | --- |")
    print(f"| leakscope | {sum(caught(r['leakscope']) for r in bad)} | {sum(caught(r['leakscope']) for r in good)} | {ls_time:.2f} |")
    for name in TOOLS:
        print(f"| {name} | {sum(r[name] == 'flag' for r in bad)} | {sum(r[name] == 'flag' for r in good)} | {times[name]:.2f} |")
    missed = [r["file"] for r in rows
              if not caught(r["leakscope"]) and any(r[t] == "flag" for t in TOOLS) and r["file"].startswith("malicious/")]
    print()
    print("malicious/ fixtures caught by another tool but not by leakscope:", missed or "none")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
