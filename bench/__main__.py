"""``python -m bench``: run every ``bench/bench_*.py`` module and print one table.

A benchmark module exposes ``run(args) -> list[Figure]`` and, optionally,
``add_arguments(parser)`` for its own options. ``--only`` picks modules by name
(``--only eventstore`` runs ``bench_eventstore``).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time
from collections.abc import Sequence
from types import ModuleType

import bench
from bench.figures import Figure, render
from waymark_shared.testing.databases import postgres_available

BACKENDS = ("sqlite", "postgres")


def discover() -> dict[str, ModuleType]:
    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    return {name.removeprefix("bench_"): importlib.import_module(f"bench.{name}") for name in names}


def build_parser(modules: dict[str, ModuleType]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Run Waymark's benchmarks and print one table of figures."
    )
    parser.add_argument("--only", action="append", choices=sorted(modules), help="run only these modules")
    parser.add_argument(
        "--backends",
        type=lambda text: [b for b in text.split(",") if b],
        default=list(BACKENDS),
        help="comma-separated: sqlite,postgres (default both)",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat: a smoke run")
    parser.add_argument("--repeat", type=int, default=None, help="runs per figure (median reported)")
    for module in modules.values():
        if hasattr(module, "add_arguments"):
            module.add_arguments(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    modules = discover()
    args = build_parser(modules).parse_args(argv)
    unknown = set(args.backends) - set(BACKENDS)
    if unknown:
        print(f"unknown backends: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    if "postgres" in args.backends and not postgres_available():
        print("PostgreSQL is not reachable: running without it", file=sys.stderr)
        args.backends.remove("postgres")
    if args.repeat is None:
        args.repeat = 1 if args.quick else 3
    figures: list[Figure] = []
    started = time.perf_counter()
    for name, module in modules.items():
        if args.only and name not in args.only:
            continue
        print(f"running {name} ...", file=sys.stderr, flush=True)
        figures += module.run(args)
    print(render(figures))
    print(f"\n{len(figures)} figures in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
