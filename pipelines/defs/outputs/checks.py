"""The exports are fresh: a night that did not run shows as a failed check in the UI."""

import datetime as dt

import dagster as dg

from pipelines.defs.outputs.exports import mart_exports

# The marts are rebuilt every night; older than a day and a bit means the night did not run. The
# sensor that evaluates this check runs by default (with the Dagster daemon, `make dev`), so a night
# that did not run shows as a failed check in the UI without anyone switching anything on.
marts_freshness = dg.build_last_update_freshness_checks(
    assets=[mart_exports], lower_bound_delta=dt.timedelta(hours=26)
)
freshness_sensor = dg.build_sensor_for_freshness_checks(
    freshness_checks=marts_freshness, default_status=dg.DefaultSensorStatus.RUNNING
)
