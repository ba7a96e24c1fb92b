-- One row per province (by key: code and scheme) with at least one plan, named as in its newest
-- plan. A unit renamed between two of its plans (Thừa Thiên Huế, then Huế) is one province with its
-- later name, never two rows of the same key in the matrix or the theme coverage.
select
    province_key,
    any_value(province_code) as province_code,
    first(
        province_name
        order by coalesce(issue_date, make_date(coalesce(issue_year, period_start, 1900), 1, 1)) desc, province_name
    ) as province_name,
    any_value(successor_code) as successor_code,
    any_value(successor_name) as successor_name
from {{ ref('int_documents') }}
group by province_key
