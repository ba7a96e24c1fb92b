-- The 63 provinces as they were before 1 July 2025, each with the 2025 unit it rolls up to
-- and how many plans in the warehouse are attributed to it.
with plans as (
    select province_code, count(*) as plan_count
    from {{ ref('stg_documents') }}
    where province_era = 'legacy'
    group by province_code
)

select
    p.province_code,
    p.province_name,
    p.unit_type,
    p.region,
    p.successor_code,
    p.successor_name,
    p.successor_type,
    p.latitude,
    p.longitude,
    coalesce(plans.plan_count, 0)::integer as plan_count,
    p.source
from {{ ref('provinces') }} as p
left join plans using (province_code)
order by p.province_code
