"""``python -m waymark_reporting.synthetic [--institutions N] [--events N] [--seed S]``:
generate a dataset (keeping none of it) and print its events per source and type."""

from __future__ import annotations

import argparse
import time
from collections import Counter

from waymark_reporting.synthetic.dataset import SOURCES, NationalDataset, sized
from waymark_reporting.synthetic.parameters import Parameters


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m waymark_reporting.synthetic", description=__doc__)
    parser.add_argument("--institutions", type=int, default=Parameters.institutions)
    parser.add_argument("--events", type=int, help="choose the institutions for about this many events")
    parser.add_argument("--years", type=int, default=Parameters.years)
    parser.add_argument("--seed", type=int, default=Parameters.seed)
    args = parser.parse_args()
    parameters = Parameters(institutions=args.institutions, years=args.years, seed=args.seed)
    if args.events:
        parameters = sized(args.events, parameters)
    dataset = NationalDataset(parameters)
    started, total = time.perf_counter(), 0
    for source in SOURCES:
        names = Counter(event.name for event in dataset.events(source))
        total += sum(names.values())
        print(f"{source}: {sum(names.values()):,}")
        for name, count in sorted(names.items()):
            print(f"    {name}: {count:,}")
    elapsed = time.perf_counter() - started
    print(f"{total:,} events from {parameters.institutions:,} institutions in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
