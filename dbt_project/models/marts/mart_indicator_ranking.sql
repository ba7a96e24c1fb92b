-- Benchmarking: for each indicator and each comparable set of targets (same target type, unit and
-- target year), every province stating it, ranked. One target per province and set: the one from its
-- newest plan. The rank value is the middle of the stated range (the value itself for a point
-- target); rank 1 is the highest commitment, ties share a rank. Beside each commitment: the region
-- average, the national target of the same year (and every national target as context), and the
-- published actual figures where a sourced statistic exists (PII rank and score, GRDP).
with targets as (
    select t.*, c.value_text_vi, c.target_text_vi, v.national_comparison
    from {{ ref('int_targets_ranked') }} as t
    inner join {{ ref('int_target_cells') }} as c using (target_id)
    inner join {{ ref('int_target_vs_national') }} as v using (target_id)
    where t.indicator_code <> 'other'
        and not coalesce(t.qualitative, false)
        and coalesce(t.value_min, t.value_max) is not null
        and t.target_year is not null
),

newest as (
    select
        *,
        row_number() over (
            partition by province_key, indicator_code, target_type, unit, target_year
            order by plan_date desc nulls last, char_start
        ) as pick
    from targets
),

-- the six regions are given for the 63 provinces; a 2025 unit has one when all its members share it
regions as (
    select province_code, 'legacy' as province_era, region from {{ ref('provinces') }}
    union all
    select successor_code, 'current', min(region)
    from {{ ref('provinces') }}
    group by successor_code
    having count(distinct region) = 1
),

scored as (
    select
        n.*,
        r.region,
        (coalesce(n.value_min, n.value_max) + coalesce(n.value_max, n.value_min)) / 2 as rank_value
    from newest as n
    left join regions as r on r.province_code = n.province_code and r.province_era = n.province_era
    where n.pick = 1
),

national_same_year as (
    select
        indicator_code, target_type, unit, target_year,
        string_agg(national_text_vi, '; ' order by issue_date desc, source_doc) as national_text_vi
    from {{ ref('dim_national_target') }}
    group by all
),

national_context as (
    select indicator_code, string_agg(national_text_vi, '; ' order by target_year, issue_date, source_doc) as national_context_vi
    from {{ ref('dim_national_target') }}
    group by indicator_code
),

pii as (
    select
        province_code,
        case unit_scheme when '63' then 'legacy' else 'current' end as province_era,
        edition, rank, score, source_url,
        row_number() over (partition by province_code, unit_scheme order by edition desc) as pick
    from {{ ref('pii_published') }}
),

-- the latest GRDP of the province: one sourced figure per year, as chosen in int_reference_statistics
grdp as (
    select
        province_code, year, value, source,
        row_number() over (partition by province_code order by year desc) as pick
    from {{ ref('int_reference_statistics') }}
    where statistic = 'grdp_current_prices' and is_chosen
)

select
    s.indicator_code,
    i.name_vi as indicator_name_vi,
    s.target_type,
    {{ label_vi('target_type', 's.target_type') }} as target_type_vi,
    s.unit,
    s.target_year,
    count(*) over comparable as provinces_compared,
    rank() over (partition by s.indicator_code, s.target_type, s.unit, s.target_year order by s.rank_value desc)
        as rank,
    s.province_code,
    s.province_key,
    s.province_name,
    s.region,
    s.successor_code,
    s.successor_name,
    s.value_min,
    s.value_max,
    s.rank_value,
    s.value_text_vi,
    s.target_text_vi,
    round(avg(s.rank_value) over comparable, 4) as all_provinces_avg,
    round(avg(s.rank_value) over (partition by s.indicator_code, s.target_type, s.unit, s.target_year, s.region), 4)
        as region_avg,
    count(*) over (partition by s.indicator_code, s.target_type, s.unit, s.target_year, s.region)
        as region_provinces_compared,
    ns.national_text_vi as national_same_year_vi,
    s.national_comparison,
    {{ label_vi('national_comparison', 's.national_comparison') }} as national_comparison_vi,
    nc.national_context_vi,
    pii.edition as pii_edition,
    pii.rank as pii_rank,
    pii.score as pii_score,
    pii.source_url as pii_source_url,
    unit_pii.edition as unit_pii_edition,
    unit_pii.rank as unit_pii_rank,
    unit_pii.score as unit_pii_score,
    unit_pii.source_url as unit_pii_source_url,
    g.year as grdp_year,
    g.value as grdp_bn_vnd,
    g.source as grdp_source,
    s.target_id,
    s.document_id,
    s.doc_number,
    s.quote
from scored as s
left join {{ ref('dim_indicator') }} as i using (indicator_code)
left join national_same_year as ns
    on ns.indicator_code = s.indicator_code
    and ns.target_type = s.target_type
    and ns.unit = s.unit
    and ns.target_year = s.target_year
left join national_context as nc on nc.indicator_code = s.indicator_code
left join pii on pii.province_code = s.province_code and pii.province_era = s.province_era and pii.pick = 1
left join pii as unit_pii
    on unit_pii.province_code = s.successor_code and unit_pii.province_era = 'current' and unit_pii.pick = 1
-- statistics carry pre-2025 codes
left join grdp as g on g.province_code = s.province_code and s.province_era = 'legacy' and g.pick = 1
window comparable as (partition by s.indicator_code, s.target_type, s.unit, s.target_year)
order by s.indicator_code, s.target_type, s.unit, s.target_year, rank, s.province_name collate vi
