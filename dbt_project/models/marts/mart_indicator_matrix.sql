-- Who states what: every province with at least one plan × every catalog indicator (except
-- "other"). A province that states nothing for an indicator gets one row with status
-- not_stated, which is a real answer ("Không nêu trong kế hoạch"), distinct from a value of 0.
-- A province that states it in several targets or plans keeps all of them; is_newest marks
-- the one from its newest plan.
with provinces as (
    select {{ province_columns() }}
    from {{ ref('int_plan_provinces') }}  -- one row per province key, named as in its newest plan
),

indicators as (
    select indicator_code, name_vi, name_en, unit as catalog_unit, pillar
    from {{ ref('dim_indicator') }}
    where indicator_code <> 'other'
),

grid as (
    select * from provinces cross join indicators
)

select
    {{ province_columns('g') }},
    g.indicator_code,
    g.name_vi as indicator_name_vi,
    g.name_en as indicator_name_en,
    g.pillar,
    case when t.target_id is null then 'not_stated' else 'stated' end as status,
    case when t.target_id is null then 'Không nêu trong kế hoạch' else 'Có nêu' end as status_vi,
    t.target_id,
    t.document_id,
    t.doc_number,
    t.issue_year,
    {{ target_value_columns('t') }},
    t.qualitative,
    c.cell_text,
    t.quote,
    t.section,
    coalesce(t.is_newest, false) as is_newest
from grid as g
left join {{ ref('int_targets_ranked') }} as t
    on t.province_key = g.province_key and t.indicator_code = g.indicator_code
left join {{ ref('int_target_cells') }} as c using (target_id)
order by g.province_key, g.indicator_code, t.is_newest desc, t.target_year, t.target_id  -- total: the same order every build
