-- One figure per province, statistic and year, chosen in a documented order, never silently:
--   1. a row without a source is never used (the figure stays missing);
--   2. the most final status: official, preliminary, estimate, as reported, anything else;
--   3. on equal status, the seed before a drop-in;
--   4. then by source, value and file name, so ties always resolve the same way.
-- Every row stays, with is_chosen and, for the others, why it was not used (quarantined in
-- mart_rejected_records).
with ranked as (
    select
        *,
        row_number() over pick_order as pick,
        first_value(value) over pick_order as first_value,
        first_value(origin) over pick_order as first_origin,
        first_value(has_source) over pick_order as first_has_source
    from {{ ref('stg_reference_statistics') }}
    window pick_order as (
        partition by province_code, statistic, year
        order by has_source desc, status_rank, origin_rank, source, value, origin
    )
)

select
    province_code,
    province_name,
    statistic,
    year,
    value,
    unit,
    status,
    source,
    source_url,
    origin,
    pick = 1 and has_source as is_chosen,
    case
        when not has_source then 'reference_no_source'
        when pick = 1 then null
        when value = first_value then 'reference_duplicate'
        else 'reference_conflict'
    end as rejection_code,
    case when first_has_source then first_value end as chosen_value,
    case when first_has_source then first_origin end as chosen_origin
from ranked
