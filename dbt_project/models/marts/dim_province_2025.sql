-- The 34 provincial units from 1 July 2025, with the pre-2025 provinces merged into each
-- and the plans rolled up to them (plans dated before the merger count for their successor).
with legacy as (
    select
        successor_code as province_code,
        string_agg(province_code, ', ' order by province_code) as legacy_codes,
        string_agg(province_name, ', ' order by province_code) as legacy_names
    from {{ ref('provinces') }}
    group by successor_code
),

plans as (
    select successor_code as province_code, count(*) as plan_count
    from {{ ref('int_documents') }}
    group by successor_code
)

select
    u.province_code,
    u.province_name,
    u.unit_type,
    legacy.legacy_codes,
    legacy.legacy_names,
    u.latitude,
    u.longitude,
    coalesce(plans.plan_count, 0)::integer as plan_count,
    u.source
from {{ ref('provinces_2025') }} as u
left join legacy using (province_code)
left join plans using (province_code)
order by u.province_code
