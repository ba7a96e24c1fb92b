-- The region view of the ranking: for each comparable set of targets (indicator, target type, unit,
-- year) and each of the six socio-economic regions, how many provinces state it and the average,
-- lowest and highest commitment, beside the national target of the same year.
select
    indicator_code,
    any_value(indicator_name_vi) as indicator_name_vi,
    target_type,
    any_value(target_type_vi) as target_type_vi,
    unit,
    target_year,
    coalesce(region, 'Chưa xác định vùng') as region,
    count(*) as provinces_stating,
    round(avg(rank_value), 4) as region_avg,
    min(rank_value) as region_min,
    max(rank_value) as region_max,
    string_agg(province_name || ': ' || value_text_vi, '; ' order by province_name collate vi) as province_targets_vi,
    any_value(provinces_compared) as provinces_compared,
    any_value(all_provinces_avg) as all_provinces_avg,
    any_value(national_same_year_vi) as national_same_year_vi
from {{ ref('mart_indicator_ranking') }}
group by indicator_code, target_type, unit, target_year, region
order by indicator_code, target_type, unit, target_year, region collate vi
