-- Province × theme, for every province with a plan and every theme of the lexicon (0 where the
-- plans say nothing): mentions, sections mentioning it, and the share of the plans' text in
-- paragraphs that mention it.
with provinces as (
    select {{ province_columns('p') }}, sum(d.char_count) as total_chars, count(*) as plans
    from {{ ref('int_plan_provinces') }} as p  -- one row per province key, named as in its newest plan
    inner join {{ ref('int_documents') }} as d using (province_key)
    group by all
),

themes as (
    select code as theme_code, name_vi as theme_name_vi, name_en as theme_name_en from {{ ref('themes') }}
),

mentions as (
    select d.province_key, m.theme_code, sum(m.mentions) as mentions,
        count(distinct m.document_id || ':' || m.section) as sections, sum(m.chars) as chars,
        count(distinct m.document_id) as plans_mentioning
    from {{ ref('stg_theme_mentions') }} as m
    inner join {{ ref('int_documents') }} as d using (document_id)
    group by all
)

select
    {{ province_columns('p') }},
    t.theme_code,
    t.theme_name_vi,
    t.theme_name_en,
    coalesce(m.mentions, 0)::integer as mentions,
    coalesce(m.sections, 0)::integer as sections,
    coalesce(m.plans_mentioning, 0)::integer as plans_mentioning,
    p.plans::integer as plans,
    round(coalesce(m.chars, 0) / nullif(p.total_chars, 0), 4) as text_share
from provinces as p
cross join themes as t
left join mentions as m on m.province_key = p.province_key and m.theme_code = t.theme_code
order by p.province_code, mentions desc, t.theme_code, p.province_key  -- total: the same order every build
