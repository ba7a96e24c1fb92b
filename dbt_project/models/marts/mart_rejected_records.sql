-- Quarantine of the extraction steps: targets and citations that failed their contract, and
-- documents an extractor could not process, with reasons.
select 'target' as record_type, file_name, document_id, stage, reason_code, reason
from {{ ref('stg_rejected_targets') }}
union all
select 'citation' as record_type, file_name, document_id, stage, reason_code, reason
from {{ ref('stg_rejected_citations') }}
order by record_type, file_name, stage
