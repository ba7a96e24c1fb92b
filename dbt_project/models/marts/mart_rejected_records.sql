-- Quarantine of the extraction steps: targets and citations that failed their contract, and
-- documents an extractor could not process, with reasons.
select 'target' as record_type, file_name, document_id, stage, reason_code, reason
from {{ ref('stg_rejected_targets') }}
union all
select 'citation' as record_type, file_name, document_id, stage, reason_code, reason
from {{ ref('stg_rejected_citations') }}
union all
-- analysts' review decisions that cannot apply: refused files and rows, orphans, added quotes not found
select
    'review' as record_type,
    'reviews/' || review_file as file_name,
    null::varchar as document_id,
    'review' as stage,
    reason_code,
    'Dòng ' || coalesce(review_row::varchar, '–') || ': ' || reason as reason
from {{ ref('stg_rejected_reviews') }}
union all
select
    'review' as record_type,
    'reviews/' || review_file as file_name,
    document_id,
    'review' as stage,
    case review_outcome when 'orphan' then 'review_orphan' else 'review_quote_not_found' end as reason_code,
    'Dòng ' || review_row || ' (' || decision || ', mục tiêu ' || target_id || '): ' || outcome_reason as reason
from {{ ref('int_review_decisions') }}
where review_outcome in ('orphan', 'rejected')
order by record_type, file_name, stage
