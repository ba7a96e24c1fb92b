-- Every decision, resolved against the targets of this build: applied (the latest on its target),
-- superseded (a later decision on the same target won), orphan (its target, or its document, is no
-- longer extracted) or rejected (an added quote that is not verbatim in its document).
with decisions as (
    select
        r.*,
        t.target_id is not null as target_exists,
        d.document_id is not null as document_exists,
        case
            when r.decision = 'add' and d.document_id is not null
                then strpos(d.text_normalized, r.quote) > 0
        end as quote_found,
        case
            when r.decision = 'add' and d.document_id is not null
                then strpos(d.text_normalized, r.quote) - 1
        end as quote_start
    from {{ ref('stg_reviews') }} as r
    left join {{ ref('stg_targets') }} as t using (target_id)
    left join {{ source('raw', 'documents') }} as d
        on d.document_id = coalesce(r.document_id, t.document_id)
),

resolved as (
    select
        *,
        case
            when decision = 'add' and not document_exists then 'orphan'
            when decision = 'add' and not quote_found then 'rejected'
            when decision <> 'add' and not target_exists then 'orphan'
            else 'valid'
        end as resolution
    from decisions
)

select
    *,
    case
        when resolution <> 'valid' then resolution
        when row_number() over (
            partition by target_id, resolution order by decision_order desc
        ) = 1 then 'applied'
        else 'superseded'
    end as review_outcome,
    case
        when resolution = 'orphan' and decision = 'add'
            then 'Văn bản ' || coalesce(document_id, '?') || ' không còn trong kho (tệp kế hoạch đã bị gỡ?); quyết định được giữ lại.'
        when resolution = 'orphan'
            then 'Mục tiêu ' || target_id || ' không còn được trích xuất (kế hoạch đã gỡ hoặc câu trích đã đổi); quyết định được giữ lại.'
        when resolution = 'rejected'
            then 'Câu trích của dòng "Thêm" không có nguyên văn trong văn bản ' || document_id || '; chép đúng câu trong văn bản.'
    end as outcome_reason
from resolved
