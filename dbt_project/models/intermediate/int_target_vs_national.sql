-- Each target against the national target for the same indicator, type, unit and year.
-- A national bound "> 50" is an interval [50, ∞); "above" means the province commits to more.
with national as (
    select
        indicator_code,
        target_type,
        unit,
        target_year,
        source_doc,
        case when bound in ('le', 'lt') then null else value_min end as national_min,
        case when bound in ('ge', 'gt') then null else value_max end as national_max,
        row_number() over (
            partition by indicator_code, target_type, unit, target_year order by issue_date desc
        ) as recency
    from {{ ref('national_targets') }}
)

select
    t.target_id,
    n.source_doc as national_source_doc,
    n.national_min,
    n.national_max,
    case
        when t.qualitative or t.value_min is null then 'no_national_target'
        when n.indicator_code is null then 'no_national_target'
        when n.national_min is not null and t.value_max < n.national_min then 'below'
        when n.national_max is not null and t.value_min > n.national_max then 'above'
        else 'within'
    end as national_comparison
from {{ ref('int_targets_ranked') }} as t
left join national as n
    on n.indicator_code = t.indicator_code
    and n.target_type = t.target_type
    and n.unit = t.unit
    and n.target_year = t.target_year
    and n.recency = 1
