-- One row per plan, as resolved in int_documents (what it is, who issued it, for which province as at
-- its date and after the 2025 merger, its period and flags): the published dimension.
select
    document_id,
    file_name,
    doc_type,
    doc_number,
    title,
    issue_date,
    issue_year,
    issue_month,
    issuer,
    issuer_level,
    signer,
    province_code,
    province_name,
    province_era,
    province_key,
    successor_code,
    successor_name,
    period_start,
    period_end,
    horizon_year,
    flags,
    cited_as_number,
    cited_as_date,
    cited_as_evidence,
    char_count,
    encoding,
    source_sha256
from {{ ref('int_documents') }}
order by province_code, issue_year, document_id
