-- Every decision, resolved against the targets of this build: applied (the latest on its target),
-- superseded (a later decision on the same target won), orphan (its target, or its document, is no
-- longer extracted) or rejected (an added quote that is not verbatim in its document).
-- A decision whose target_id is gone but that carries its document and quote (every workbook row
-- does) is re-anchored when exactly one current target of that document has a quote containing it
-- or contained in it: a code change that widened or narrowed a quote keeps the decision applying.
with base as (
    select
        r.*,
        t.target_id is not null as id_found
    from {{ ref('stg_reviews') }} as r
    left join {{ ref('stg_targets') }} as t using (target_id)
),

candidates as (
    select
        b.decision_order,
        t.target_id as anchored_id,
        count(*) over (partition by b.decision_order) as candidates
    from base as b
    inner join {{ ref('stg_targets') }} as t
        on
            t.document_id = b.document_id
            and (strpos(t.quote, b.quote) > 0 or strpos(b.quote, t.quote) > 0)
    where not b.id_found and b.decision <> 'add' and length(b.quote) >= 10
),

anchored as (
    select
        b.* replace (coalesce(c.anchored_id, b.target_id) as target_id),
        b.target_id as decided_target_id,
        c.anchored_id is not null as reanchored,
        b.id_found or c.anchored_id is not null as target_exists
    from base as b
    left join candidates as c on c.decision_order = b.decision_order and c.candidates = 1
),

decisions as (
    select
        a.* exclude (id_found),
        d.document_id is not null as document_exists,
        case
            when a.decision = 'add' and d.document_id is not null
                then strpos(d.text_normalized, a.quote) > 0
        end as quote_found,
        case
            when a.decision = 'add' and d.document_id is not null
                then strpos(d.text_normalized, a.quote) - 1
        end as quote_start
    from anchored as a
    left join {{ ref('stg_targets') }} as t on t.target_id = a.target_id and a.decision <> 'add'
    left join {{ ref('stg_document_texts') }} as d
        on d.document_id = coalesce(a.document_id, t.document_id)
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
