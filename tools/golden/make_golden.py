#!/usr/bin/python3
"""Writes the golden fixtures that tests/Parsec.Tests/Golden/ checks Parsec's ops against.

    /usr/bin/python3 tools/golden/make_golden.py --out tests/Parsec.Tests/Fixtures/golden

Everything is float64 and seeded per case (see fixture.py), so a rerun with the same PyTorch rewrites
identical files. See README.md in this folder for the format and the list of cases.
"""
import argparse
import os
import sys

import torch

sys.dont_write_bytecode = True  # no __pycache__ next to the script
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cases_cell  # noqa: E402
import cases_ops  # noqa: E402
import cases_optim  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="folder for the JSON files (created if missing)")
    args = ap.parse_args()

    torch.set_default_dtype(torch.float64)
    # One thread: reductions then run in a fixed order, so reruns are bit-identical.
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    names = set()
    total = 0
    for module in (cases_ops, cases_optim, cases_cell):
        for case in module.all_cases():
            if case.name in names:
                raise SystemExit(f"duplicate case name {case.name}")
            names.add(case.name)
            path = case.write(args.out)
            total += os.path.getsize(path)
            print(f"{os.path.getsize(path):>9,}  {path}")
    stale = sorted(f for f in os.listdir(args.out) if f.endswith(".json") and f[:-5] not in names)
    for f in stale:
        os.remove(os.path.join(args.out, f))
        print(f"  removed  {f} (no longer a case)")
    print(f"{total:>9,}  bytes in {len(names)} cases (torch {torch.__version__})")


if __name__ == "__main__":
    main()
