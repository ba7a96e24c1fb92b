-- Published provincial statistics: the checked seed plus analysts' CSV drop-ins (data/raw/reference/).
select province_code, province_name, statistic, year::integer as year, value::double as value, unit, status, source, source_url, 'seed' as origin
from {{ ref('reference_statistics') }}
union all
select province_code, province_name, statistic, year::integer, value::double, unit, status, source, source_url, origin
from {{ source('raw', 'reference_statistics') }}
