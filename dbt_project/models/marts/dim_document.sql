-- One row per plan: what it is, who issued it, for which province (as at its date and
-- after the 2025 merger), which period it covers, and what looked wrong in it (flags).
with documents as (
    select * from {{ ref('stg_documents') }}
),

legacy as (
    select * from {{ ref('provinces') }}
),

current_units as (
    select * from {{ ref('provinces_2025') }}
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
    coalesce(legacy.successor_code, d.province_code) as successor_code,
    coalesce(legacy.successor_name, cu.province_name) as successor_name,
    d.period_start,
    d.period_end,
    d.flags,
    d.char_count,
    d.encoding,
    d.source_sha256
from documents as d
left join legacy
    on d.province_era = 'legacy' and legacy.province_code = d.province_code
left join current_units as cu
    on d.province_era = 'current' and cu.province_code = d.province_code
order by d.province_code, d.issue_year, d.document_id
