-- The normalised full text of each plan, kept apart from stg_documents (which drops the texts) for
-- the few models that must search it: an analyst's added quote is checked against it verbatim.
select
    document_id,
    text_normalized
from {{ source('raw', 'documents') }}
