-- One row per province with plans: what it has published, how much it commits to, what it
-- cites and which themes dominate, plus what an analyst should know (flags).
with documents as (
    select * from {{ ref('int_documents') }}
),

plans as (
    select
        province_key,
        any_value(province_code) as province_code,
        -- named as in its newest plan (a unit renamed in between shows its later name)
        max_by(province_name, coalesce(issue_date, make_date(coalesce(issue_year, period_start, 1900), 1, 1)))
            as province_name,
        any_value(successor_code) as successor_code,
        any_value(successor_name) as successor_name,
        count(*) as plans,
        min(period_start) as period_from,
        max(coalesce(period_end, period_start)) as period_to,
        max(horizon_year) as horizon_year,
        string_agg(coalesce(doc_number, '(không số)'), ', ' order by issue_year, doc_number) as plan_numbers,
        string_agg(distinct nullif(flags, ''), '; ' order by nullif(flags, '')) as flags
    from documents
    group by province_key
),

targets as (
    select
        province_key,
        count(*) as targets,
        count(distinct indicator_code) filter (where indicator_code <> 'other') as indicators_stated
    from {{ ref('fct_indicator_target') }}
    group by province_key
),

catalog as (
    select count(*) as catalog_size from {{ ref('dim_indicator') }} where indicator_code <> 'other'
),

cites as (
    select
        province_key,
        count(*) as distinct_citations,
        count(*) filter (where citation_tier in ('national', 'ministry', 'party_central')) as national_citations
    from {{ ref('fct_citation') }}
    group by province_key
),

themes as (
    select province_key, string_agg(theme_name_vi, ', ' order by mentions desc, theme_code) as top_themes
    from (
        select *, row_number() over (partition by province_key order by mentions desc, theme_code) as rank
        from {{ ref('mart_theme_coverage') }}
        where mentions > 0
    )
    where rank <= 3
    group by province_key
)

select
    {{ province_columns('p') }},
    p.plans::integer as plans,
    p.period_from,
    p.period_to,
    p.horizon_year,
    p.plan_numbers,
    coalesce(t.targets, 0)::integer as targets,
    coalesce(t.indicators_stated, 0)::integer as indicators_stated,
    catalog.catalog_size::integer as catalog_size,
    coalesce(c.distinct_citations, 0)::integer as distinct_citations,
    coalesce(c.national_citations, 0)::integer as national_citations,
    th.top_themes,
    p.flags
from plans as p
cross join catalog
left join targets as t using (province_key)
left join cites as c using (province_key)
left join themes as th using (province_key)
order by p.province_key
