-- Quarantined files with the step that refused them and a reason a person can act on.
select {{ quarantine_columns() }}
from {{ source('raw', 'rejected_documents') }}
