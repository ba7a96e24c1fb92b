-- Plan × cited national or Party document: which national decisions each plan implements, how
-- many plans and provinces cite each one, and whether it is part of the shared backbone (cited
-- by two or more provinces).
with national as (
    select *
    from {{ ref('fct_citation') }}
    where citation_tier in ('national', 'ministry', 'party_central')
),

reach as (
    select
        canonical,
        count(distinct document_id) as citing_plans,
        count(distinct province_key) as citing_provinces,
        string_agg(distinct province_name, ', ' order by province_name) as province_names,
        count(distinct successor_code) as citing_units_2025
    from national
    group by canonical
)

select
    n.document_id,
    n.province_code,
    n.province_key,
    n.province_name,
    n.successor_code,
    n.successor_name,
    n.citing_doc_number,
    n.canonical,
    n.doc_type,
    n.issuer_code,
    n.citation_tier,
    n.issue_date,
    n.occurrences,
    r.citing_plans,
    r.citing_provinces,
    r.province_names,
    r.citing_units_2025,
    r.citing_provinces >= 2 as shared_backbone,
    n.first_quote
from national as n
inner join reach as r using (canonical)
order by r.citing_provinces desc, n.canonical, n.province_code, n.document_id  -- total: the same order every build
