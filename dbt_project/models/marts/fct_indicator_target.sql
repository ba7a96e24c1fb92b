-- One row per target a plan commits to, with its province (as at the plan's date and after
-- the 2025 merger), the plan and the indicator, and the exact quote it was read from.
select
    t.target_id,
    t.document_id,
    {{ province_columns('t') }},
    t.doc_number,
    t.issue_year,
    t.document_title,
    t.indicator_code,
    i.name_vi as indicator_name_vi,
    i.name_en as indicator_name_en,
    t.label,
    {{ target_value_columns('t') }},
    t.baseline_value,
    t.baseline_year,
    t.components,
    t.qualitative,
    t.quote,
    t.section,
    t.char_start,
    t.char_end,
    t.confidence,
    t.extracted_from,
    t.review_status,
    case when t.review_status in ('verified', 'corrected', 'added') then 'đã kiểm tra' else 'cần kiểm tra' end
        as review_status_vi,
    c.target_text_vi,
    c.value_text_vi
from {{ ref('int_targets_ranked') }} as t
left join {{ ref('dim_indicator') }} as i using (indicator_code)
left join {{ ref('int_target_cells') }} as c using (target_id)
order by t.province_code, t.document_id, t.char_start, t.target_id  -- total: the same order every build
