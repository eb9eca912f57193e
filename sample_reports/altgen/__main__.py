import argparse
import sys
from pathlib import Path

from .generate import generate


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m altgen", description=__doc__)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--count", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    paths = generate(a.out, a.count, a.seed)
    print(f"wrote {len(paths)} reports to {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
