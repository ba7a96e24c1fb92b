-- Citations (or whole documents) the citation step quarantined, with reasons.
select {{ quarantine_columns() }}
from {{ source('raw', 'rejected_citations') }}
