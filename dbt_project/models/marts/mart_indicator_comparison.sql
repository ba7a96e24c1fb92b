-- Per indicator and target year: how many provinces state it, the range across them, and each
-- province's target against the national target for the same year. Targets in % GRDP are
-- converted to money where the province's GRDP is known (latest GRDP year not after the target
-- year, else the latest available), with that GRDP year shown.
with targets as (
    select t.*, v.national_source_doc, v.national_min, v.national_max, v.national_comparison, c.target_text_vi
    from {{ ref('int_targets_ranked') }} as t
    inner join {{ ref('int_target_vs_national') }} as v using (target_id)
    inner join {{ ref('int_target_cells') }} as c using (target_id)
    where t.indicator_code <> 'other'
),

grdp as (
    select province_code, year as grdp_year, value as grdp_bn_vnd, source as grdp_source
    from {{ ref('int_reference_statistics') }}
    where statistic = 'grdp_current_prices' and is_chosen  -- one sourced figure per year, chosen in int_reference_statistics
),

grdp_for_target as (
    select
        t.target_id,
        g.grdp_year,
        g.grdp_bn_vnd,
        g.grdp_source,
        row_number() over (
            partition by t.target_id
            order by (g.grdp_year <= coalesce(t.target_year, 9999)) desc, g.grdp_year desc
        ) as pick
    from targets as t
    -- statistics carry pre-2025 codes
    inner join grdp as g on g.province_code = t.province_code and t.province_era = 'legacy'
    where t.unit = '% GRDP'
)

select
    t.indicator_code,
    t.target_year,
    t.target_type,
    t.unit,
    count(distinct t.province_key) over (partition by t.indicator_code, t.target_year, t.target_type, t.unit)
        as provinces_stating,
    min(t.value_min) over (partition by t.indicator_code, t.target_year, t.target_type, t.unit) as range_min,
    max(t.value_max) over (partition by t.indicator_code, t.target_year, t.target_type, t.unit) as range_max,
    t.province_code,
    t.province_key,
    t.province_name,
    t.successor_code,
    t.successor_name,
    t.target_id,
    t.document_id,
    t.doc_number,
    t.bound,
    t.value_min,
    t.value_max,
    t.target_text_vi,
    t.qualitative,
    t.is_newest,
    t.national_source_doc,
    t.national_min,
    t.national_max,
    t.national_comparison,
    g.grdp_year,
    g.grdp_bn_vnd,
    round(t.value_min / 100 * g.grdp_bn_vnd, 1) as money_min_bn_vnd,
    round(t.value_max / 100 * g.grdp_bn_vnd, 1) as money_max_bn_vnd,
    g.grdp_source,
    t.quote
from targets as t
left join grdp_for_target as g on g.target_id = t.target_id and g.pick = 1
order by t.indicator_code, t.target_year, t.province_code, t.target_id  -- total: the same order every build
