-- A document's issuer level is one of the codes the seed issuer_levels declares for documents
-- (the citation tiers are another vocabulary of the same seed). One list of codes, kept as data.
select d.document_id, d.issuer_level
from {{ ref('stg_documents') }} as d
where d.issuer_level is not null
  and d.issuer_level not in (
      select code from {{ ref('issuer_levels') }} where column_name = 'documents.issuer_level'
  )
