-- The indicator catalog (seed), with how many plans and provinces state each indicator.
with usage as (
    select
        t.indicator_code,
        count(*) as target_count,
        count(distinct t.document_id) as document_count,
        count(distinct d.province_code || d.province_era) as province_count
    from {{ ref('int_targets_reviewed') }} as t
    inner join {{ ref('stg_documents') }} as d using (document_id)
    group by t.indicator_code
)

select
    i.code as indicator_code,
    i.name_vi,
    i.name_en,
    i.unit,
    i.pillar,
    i.definition,
    i.definition_vi,
    coalesce(usage.target_count, 0)::integer as target_count,
    coalesce(usage.document_count, 0)::integer as document_count,
    coalesce(usage.province_count, 0)::integer as province_count
from {{ ref('indicators') }} as i
left join usage on usage.indicator_code = i.code
order by i.priority, i.code
