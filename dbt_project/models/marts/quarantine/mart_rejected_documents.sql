-- Quarantine, for people: every file that is not in the warehouse and why.
select {{ quarantine_columns() }}
from {{ ref('stg_rejected_documents') }}
order by file_name, stage
