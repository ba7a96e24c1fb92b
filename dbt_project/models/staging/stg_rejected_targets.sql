-- Targets (or whole documents) the extraction step quarantined, with reasons.
select {{ quarantine_columns() }}
from {{ source('raw', 'rejected_targets') }}
