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

units as (
    {{ with_plan_count(ref('provinces_2025'), ref('int_documents'), 'successor_code') }}
)

select
    u.province_code,
    u.province_name,
    u.unit_type,
    legacy.legacy_codes,
    legacy.legacy_names,
    u.latitude,
    u.longitude,
    u.plan_count,
    u.source
from units as u
left join legacy using (province_code)
order by u.province_code
