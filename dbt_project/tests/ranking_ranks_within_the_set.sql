-- A rank lies between 1 and the number of provinces compared, and each set has a rank 1.
select indicator_code, target_type, unit, target_year
from {{ ref('mart_indicator_ranking') }}
group by indicator_code, target_type, unit, target_year
having min(rank) <> 1 or max(rank) > max(provinces_compared) or count(*) <> max(provinces_compared)
