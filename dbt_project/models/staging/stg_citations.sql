-- One row per citation occurrence, canonical form.
select
    citation_id,
    document_id,
    canonical,
    number,
    year::integer as year,
    doc_type,
    issuer_code,
    citation_tier,
    try_cast(issue_date as date) as issue_date,
    quote,
    char_start,
    char_end
from {{ source('raw', 'citations') }}
