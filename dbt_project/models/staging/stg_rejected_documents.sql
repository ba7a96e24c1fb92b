-- Quarantined files with the step that refused them and a reason a person can act on.
select
    file_name,
    document_id,
    stage,
    reason_code,
    reason
from {{ source('raw', 'rejected_documents') }}
