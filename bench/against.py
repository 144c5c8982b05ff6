"""The engine benchmark at an earlier commit and now, run one after the other on this machine.

Each run reports the persisted rate as a ratio to bare SpiffWorkflow with a JSON save and
reload, measured in that same run; comparing the two ratios cancels most of the machine's
noise. The earlier commit runs from a temporary git worktree with this checkout's virtualenv.

    python bench/against.py REV [--dossiers 200] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEASURE = "persisted_sqlite"


def run_bench(checkout: Path, dossiers: int) -> dict:
    out = subprocess.run(
        [sys.executable, "bench/engine.py", "--dossiers", str(dossiers), "--json"],
        cwd=checkout, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(out.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="the commit to compare with (a hash, a tag, HEAD~3...)")
    parser.add_argument("--dossiers", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder) / "base"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(base), args.rev],
            cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
        try:
            ratios: dict[str, list[float]] = {"before": [], "now": []}
            for _ in range(args.rounds):  # interleaved, so that drift hits both alike
                for name, checkout in (("before", base), ("now", ROOT)):
                    report = run_bench(checkout, args.dossiers)
                    ratios[name].append(report["ratio_to_save_reload"][MEASURE])
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT)
    before, now = statistics.median(ratios["before"]), statistics.median(ratios["now"])
    print(f"{MEASURE}, as a ratio to bare save/reload (median of {args.rounds} runs):")
    print(f"  {args.rev:>12s} {before:.3f}   {ratios['before']}")
    print(f"  {'now':>12s} {now:.3f}   {ratios['now']}")
    print(f"now / before: {now / before:.3f} (a 10 % regression is 0.900)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
