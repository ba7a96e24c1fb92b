-- Citations (or whole documents) the citation step quarantined, with reasons.
select file_name, document_id, stage, reason_code, reason
from {{ source('raw', 'rejected_citations') }}
