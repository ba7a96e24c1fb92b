-- One row per plan: what it is, who issued it, for which province (as at its date and
-- after the 2025 merger), which period it covers, and what looked wrong in it (flags).
-- The document resolution lives here, below the marts, so intermediate models (int_targets_ranked)
-- and every mart can read it; dim_document publishes it as is.
with documents as (
    select * from {{ ref('stg_documents') }}
),

legacy as (
    select * from {{ ref('provinces') }}
),

current_units as (
    select * from {{ ref('provinces_2025') }}
),

-- A plan whose copy lost its header can still be identified by how other plans cite it.
cited_as as (
    select
        l.cited_document_id as document_id,
        string_agg(distinct l.canonical, ', ' order by l.canonical) as cited_as_number,
        min(c.issue_date) as cited_as_date,
        any_value(l.link_evidence) as cited_as_evidence
    from {{ ref('stg_citation_links') }} as l
    inner join {{ ref('stg_citations') }} as c using (citation_id)
    where l.link_method <> 'doc_number'
    group by l.cited_document_id
)

select
    d.document_id,
    d.file_name,
    d.doc_type,
    d.doc_number,
    d.title,
    d.issue_date,
    d.issue_year,
    d.issue_month,
    d.issuer,
    d.issuer_level,
    d.signer,
    d.province_code,
    d.province_name,
    d.province_era,
    -- codes were reused in 2025 (24 was Bắc Giang, is now Bắc Ninh): the key says which scheme
    d.province_code || case when d.province_era = 'current' then '/2025' else '' end as province_key,
    coalesce(legacy.successor_code, d.province_code) as successor_code,
    coalesce(legacy.successor_name, cu.province_name) as successor_name,
    d.period_start,
    d.period_end,
    d.horizon_year,
    d.flags,
    cited_as.cited_as_number,
    cited_as.cited_as_date,
    cited_as.cited_as_evidence,
    d.char_count,
    d.encoding,
    d.source_sha256
from documents as d
left join legacy
    on d.province_era = 'legacy' and legacy.province_code = d.province_code
left join current_units as cu
    on d.province_era = 'current' and cu.province_code = d.province_code
left join cited_as using (document_id)
