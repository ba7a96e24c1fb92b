-- The matrix for Excel: provinces as rows, one column per catalog indicator, the cell showing
-- the newest target ("1,2–1,5% GRDP (2025)") or "Không nêu". The columns follow the catalog
-- seed, so this model has no fixed contract; its columns are documented by dim_indicator.
{%- set indicator_query -%}
    select code from {{ ref('indicators') }} where code <> 'other' order by priority, code
{%- endset -%}
{%- if execute -%}
    {%- set indicator_codes = run_query(indicator_query).columns[0].values() -%}
{%- else -%}
    {%- set indicator_codes = [] -%}
{%- endif %}

with cells as (
    select province_key, indicator_code, string_agg(cell_text, '; ' order by target_year, cell_text) as cell_text
    from {{ ref('mart_indicator_matrix') }}
    where status = 'stated' and is_newest
    group by province_key, indicator_code
),

provinces as (
    select distinct province_code, province_key, province_name, successor_code, successor_name
    from {{ ref('mart_indicator_matrix') }}
)

select
    p.province_code,
    p.province_key,
    p.province_name,
    p.successor_code,
    p.successor_name
    {%- for code in indicator_codes %},
    coalesce(max(case when c.indicator_code = '{{ code }}' then c.cell_text end), 'Không nêu') as "{{ code }}"
    {%- endfor %}
from provinces as p
left join cells as c using (province_key)
group by all
order by p.province_key
