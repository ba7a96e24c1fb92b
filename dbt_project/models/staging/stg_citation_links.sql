-- Citations that point at a plan in the warehouse, with how the match was made.
select citation_id, document_id, canonical, cited_document_id, link_method, link_evidence
from {{ source('raw', 'citation_links') }}
