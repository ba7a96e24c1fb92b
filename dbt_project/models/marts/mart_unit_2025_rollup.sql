-- The 2025-unit roll-up: each of the 34 units from 1 July 2025 with the comparable targets (indicator,
-- target type, unit, year) of its pre-2025 member provinces and of the unit itself, e.g. Hải Phòng
-- with the former Hải Dương. Values are listed per member, with the lowest and highest, never summed:
-- the members' plans were written separately and a sum would be a number nobody committed to.
with members as (
    select successor_code, count(*) as members_total
    from {{ ref('provinces') }}
    group by successor_code
)

select
    r.successor_code,
    any_value(r.successor_name) as successor_name,
    r.indicator_code,
    any_value(r.indicator_name_vi) as indicator_name_vi,
    r.target_type,
    any_value(r.target_type_vi) as target_type_vi,
    r.unit,
    r.target_year,
    count(*) as provinces_stating,
    any_value(m.members_total) as members_total,
    string_agg(r.province_name, ', ' order by r.province_name collate vi) as province_names,
    min(coalesce(r.value_min, r.value_max)) as value_min,
    max(coalesce(r.value_max, r.value_min)) as value_max,
    string_agg(r.province_name || ': ' || r.value_text_vi, '; ' order by r.province_name collate vi)
        as member_targets_vi,
    any_value(r.national_same_year_vi) as national_same_year_vi,
    any_value(r.unit_pii_edition) as unit_pii_edition,
    any_value(r.unit_pii_rank) as unit_pii_rank,
    any_value(r.unit_pii_score) as unit_pii_score,
    any_value(r.unit_pii_source_url) as unit_pii_source_url
from {{ ref('mart_indicator_ranking') }} as r
left join members as m using (successor_code)
group by r.successor_code, r.indicator_code, r.target_type, r.unit, r.target_year
order by r.successor_code, r.indicator_code, r.target_type, r.unit, r.target_year
