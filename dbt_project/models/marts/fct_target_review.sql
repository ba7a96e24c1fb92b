-- The audit of every analyst decision, kept whatever became of it: the target, the decision, the
-- values before (as extracted in this build) and after, who decided, the note, the file and row,
-- when, and what the decision did (applied, superseded by a later one, orphan, rejected).
select
    r.decision_order,
    r.target_id,
    coalesce(r.document_id, t.document_id) as document_id,
    r.decision,
    case r.decision
        when 'confirm' then 'Xác nhận'
        when 'reject' then 'Loại'
        when 'correct' then 'Sửa'
        when 'add' then 'Thêm'
    end as decision_vi,
    r.review_outcome,
    case r.review_outcome
        when 'applied' then 'Đang áp dụng'
        when 'superseded' then 'Bị thay bằng quyết định sau'
        when 'orphan' then 'Mồ côi: mục tiêu không còn'
        when 'rejected' then 'Bị từ chối'
    end as review_outcome_vi,
    r.outcome_reason,
    coalesce(t.quote, r.quote) as quote,
    t.indicator_code as old_indicator_code,
    t.value_min as old_value_min,
    t.value_max as old_value_max,
    t.target_year as old_target_year,
    case when r.decision in ('correct', 'add') then coalesce(r.indicator_code, t.indicator_code) end
        as new_indicator_code,
    case when r.decision in ('correct', 'add') then coalesce(r.value_min, t.value_min) end as new_value_min,
    case when r.decision in ('correct', 'add') then coalesce(r.value_max, r.value_min, t.value_max) end
        as new_value_max,
    case when r.decision in ('correct', 'add') then coalesce(r.target_year, t.target_year) end
        as new_target_year,
    r.reviewer,
    r.note,
    r.decided_target_id,
    r.reanchored,
    r.review_file,
    r.review_row,
    r.decided_at
from {{ ref('int_review_decisions') }} as r
left join {{ ref('stg_targets') }} as t using (target_id)
order by r.decision_order
