"""Reporting's synthetic national dataset: thousands of institutions across England's
regions, Careers Hubs and trusts, with their learners (pseudonymous ids only), Compass
evaluations, careers plans and activities with participation, and destinations, over
several years, as each producing service's events. Deterministic from a seed, streamed,
and checked against each producer's contracts. Used by the demo and the benchmarks.

    dataset = NationalDataset(Parameters(institutions=200, seed=3))
    for batch in dataset.batches("planner", 1000): ...
    write_to_stores(dataset, {"directory": runtime, ...})
"""

from waymark_reporting.synthetic.dataset import SOURCES, NationalDataset, sized
from waymark_reporting.synthetic.parameters import Parameters
from waymark_reporting.synthetic.stores import write_to_stores

__all__ = ["SOURCES", "NationalDataset", "Parameters", "sized", "write_to_stores"]
