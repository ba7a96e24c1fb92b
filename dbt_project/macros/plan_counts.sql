{#- A list of units (a seed of provinces) with how many plans each has: the plans of `documents`
    (those where `where` holds) counted by the column `unit_code` that names their unit; a unit
    without plans counts 0, not null. The units keep their columns and get plan_count. -#}
{% macro with_plan_count(units, documents, unit_code, where='true') -%}
select
    units.*,
    coalesce(plans.plan_count, 0)::integer as plan_count
from {{ units }} as units
left join (
    select {{ unit_code }} as province_code, count(*) as plan_count
    from {{ documents }}
    where {{ where }}
    group by {{ unit_code }}
) as plans using (province_code)
{%- endmacro %}
