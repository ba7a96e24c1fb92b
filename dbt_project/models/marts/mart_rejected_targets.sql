-- Quarantine of the extraction step: what was not loaded as a target, and why.
select
    file_name,
    document_id,
    stage,
    reason_code,
    reason
from {{ ref('stg_rejected_targets') }}
order by file_name, stage
