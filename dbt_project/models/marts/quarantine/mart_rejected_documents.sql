-- Quarantine, for people: every file that is not in the warehouse and why.
select
    file_name,
    document_id,
    stage,
    reason_code,
    reason
from {{ ref('stg_rejected_documents') }}
order by file_name, stage
