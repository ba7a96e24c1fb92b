-- Targets (or whole documents) the extraction step quarantined, with reasons.
select
    file_name,
    document_id,
    stage,
    reason_code,
    reason
from {{ source('raw', 'rejected_targets') }}
