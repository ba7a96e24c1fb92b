-- A readable Vietnamese cell for each target, as an analyst would write it in Excel:
-- "1,2–1,5% GRDP (2025)", "≥ 1 mô hình (2024)", "+2 doanh nghiệp (2025)", "×1,5 lần (2025)".
with formatted as (
    select
        *,
        replace(regexp_replace(cast(value_min as varchar), '\.0$', ''), '.', ',') as min_text,
        replace(regexp_replace(cast(value_max as varchar), '\.0$', ''), '.', ',') as max_text
    from {{ ref('int_targets_ranked') }}
)

select
    target_id,
    case
        when qualitative then 'định tính: ' || label
        else
            case target_type
                when 'increase_by' then '+'
                when 'multiply_by' then '×'
                else ''
            end
            || case bound
                when 'ge' then '≥ '
                when 'gt' then '> '
                when 'le' then '≤ '
                when 'lt' then '< '
                when 'approx' then '~'
                else ''
            end
            || case when value_min = value_max then min_text else min_text || '–' || max_text end
            || case
                when unit is null then ''
                when starts_with(unit, '%') then unit
                else ' ' || unit
            end
    end
    || case when target_year is not null then ' (' || target_year || ')' else '' end as cell_text
from formatted
