-- Published provincial statistics: the checked seed plus analysts' CSV drop-ins (data/raw/reference/).
-- Every row is kept; int_reference_statistics chooses one per province, statistic and year.
with rows as (
    select
        province_code, province_name, statistic, year::integer as year, value::double as value, unit, status,
        nullif(trim(source), '') as source, source_url, 'seed' as origin
    from {{ ref('reference_statistics') }}
    union all
    select
        province_code, province_name, statistic, year::integer, value::double, unit, status,
        nullif(trim(source), ''), source_url, origin
    from {{ source('raw', 'reference_statistics') }}
)

select
    *,
    source is not null as has_source,
    -- how final the figure is, most final first (data/raw/reference/README.md)
    case lower(trim(status))
        when 'official' then 1
        when 'preliminary' then 2
        when 'estimate' then 3
        when 'as reported' then 4
        else 5
    end as status_rank,
    -- on equal status the reviewed seed comes before a drop-in
    case when origin = 'seed' then 1 else 2 end as origin_rank
from rows
