"""How many goals per second the core judges, against a per-call simpleeval loop.

Run: python bench/rules_per_second.py [--goals N]

Both sides run in this process on the same synthetic goals and data, so the ratio is what
to read, not the absolute numbers. The baseline is the naive way to build this tool:
for every goal, a fresh ``simpleeval.simple_eval`` call on the rule's comparison with the
latest values as names -- no parsing cache, no projection, no explanation. goalengine does
more per goal (parse once, project the trend, build the explanation), so a ratio near or
above 1 means the extra work is paid for by compiling once.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import date

from simpleeval import simple_eval

from goalengine import Goal, RuleSet, evaluate
from goalengine.data import Dataset


def workload(
    goals: int, seed: int = 7
) -> tuple[RuleSet, Dataset, list[tuple[str, dict[str, float]]]]:
    rng = random.Random(seed)
    rules, data, naive = [], {}, []
    for i in range(goals):
        metric = f"metric_{i}"
        start = rng.uniform(20, 80)
        values = {str(2010 + y): start + rng.gauss(1.0, 2.0) * y for y in range(10)}
        data[metric] = values
        step = rng.choice([5, 10, 15])
        rules.append(
            Goal.parse(f"{metric} >= baseline + {step}pp by 2025", id=f"g{i}", baseline="2010")
        )
        latest = values["2019"]
        naive.append((f"{metric} >= baseline + {step}", {metric: latest, "baseline": start}))
    return RuleSet(goals=tuple(rules)), Dataset.from_mapping(data), naive


def best_of(repeat: int, work) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--goals", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="one JSON line (for bench/run.py)")
    args = parser.parse_args()
    ruleset, data, naive = workload(args.goals)
    as_of = date(2020, 6, 30)

    ours = best_of(args.repeat, lambda: evaluate(ruleset, data, as_of))
    baseline = best_of(
        args.repeat, lambda: [simple_eval(text, names=names) for text, names in naive]
    )
    if args.json:
        print(
            json.dumps(
                {"goals_per_s": args.goals / ours, "simpleeval_per_s": args.goals / baseline}
            )
        )
        return
    print(f"goals: {args.goals}")
    print(f"goalengine evaluate (projection + explanation): {args.goals / ours:10.0f} goals/s")
    print(f"per-call simple_eval (comparison only):         {args.goals / baseline:10.0f} goals/s")
    print(f"ratio goalengine / per-call simpleeval:         {baseline / ours:10.2f}")


if __name__ == "__main__":
    main()
