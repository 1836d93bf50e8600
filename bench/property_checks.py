"""What the generic properties cost per goal, against judging the goal once.

Run: python bench/property_checks.py [--examples N]

`goalengine test --properties` runs Hypothesis over every goal; this prints the time per
goal of each property next to the time of one plain evaluation of the same goal, measured
in the same run, so the ratio says how many evaluations a property spends.
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

from goalengine import evaluate_goal, read_rules
from goalengine.resolve import load_ruleset_data
from goalengine.testing.properties import GENERIC, check_ruleset

RULES = Path(__file__).resolve().parent.parent / "rules" / "integration-2009" / "employment.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=60)
    args = parser.parse_args()
    ruleset = read_rules(RULES)
    data = load_ruleset_data(ruleset)
    day = ruleset.as_of or date.today()
    started = time.perf_counter()
    for _ in range(20):
        for goal in ruleset.goals:
            evaluate_goal(goal, data, day)
    once = (time.perf_counter() - started) / (20 * len(ruleset.goals))
    print(f"{len(ruleset.goals)} goals of {RULES.name}; one evaluation: {once * 1e3:.2f} ms")
    for name in GENERIC:
        started = time.perf_counter()
        check_ruleset(ruleset, max_examples=args.examples, properties=[name])
        per_goal = (time.perf_counter() - started) / len(ruleset.goals)
        print(f"  {name:22} {per_goal * 1e3:8.1f} ms/goal  = {per_goal / once:8.0f} evaluations")


if __name__ == "__main__":
    main()
