"""Review: the analysts' decisions on extracted targets (data/raw/reviews/), read and checked."""

import dagster as dg

from pipelines.defs.review.assets import reviews


def definitions() -> dg.Definitions:
    return dg.Definitions(assets=[reviews])
