-- The 63 provinces as they were before 1 July 2025, each with the 2025 unit it rolls up to
-- and how many plans in the warehouse are attributed to it.
with units as (
    {{ with_plan_count(ref('provinces'), ref('stg_documents'), 'province_code', "province_era = 'legacy'") }}
)

select
    province_code,
    province_name,
    unit_type,
    region,
    successor_code,
    successor_name,
    successor_type,
    latitude,
    longitude,
    plan_count,
    source
from units
order by province_code
