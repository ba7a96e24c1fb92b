-- One row per distinct document a plan cites (occurrences counted), with the citing plan's
-- province and, when the cited document is itself a plan in the warehouse, that plan.
with citations as (
    select
        document_id,
        canonical,
        any_value(number) as number,
        any_value(year) as year,
        any_value(doc_type) as doc_type,
        any_value(issuer_code) as issuer_code,
        any_value(citation_tier) as citation_tier,
        min(issue_date) as issue_date,
        count(*) as occurrences,
        arg_min(quote, char_start) as first_quote,
        min(char_start) as first_char_start
    from {{ ref('stg_citations') }}
    group by document_id, canonical
),

links as (
    select document_id, canonical, any_value(cited_document_id) as cited_document_id,
        any_value(link_method) as link_method, any_value(link_evidence) as link_evidence
    from {{ ref('stg_citation_links') }}
    group by document_id, canonical
)

select
    md5(c.document_id || ':' || c.canonical) as citation_key,
    c.document_id,
    d.province_code,
    d.province_key,
    d.province_name,
    d.successor_code,
    d.successor_name,
    d.doc_number as citing_doc_number,
    c.canonical,
    c.number,
    c.year,
    c.doc_type,
    c.issuer_code,
    c.citation_tier,
    c.issue_date,
    c.occurrences,
    c.first_quote,
    c.first_char_start,
    l.cited_document_id,
    l.link_method,
    l.link_evidence
from citations as c
inner join {{ ref('int_documents') }} as d using (document_id)
left join links as l using (document_id, canonical)
order by d.province_code, c.document_id, c.first_char_start
