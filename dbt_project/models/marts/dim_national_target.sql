-- The national targets (seed national_targets: Quyết định 569/QĐ-TTg, Nghị quyết 57-NQ/TW …) with the
-- same display text as the provincial targets (macros/vietnamese.sql), so "quốc gia 2030: 1,5–2% GRDP"
-- reads alike in the matrix, the workbook and the dashboards.
select
    n.target_key,
    n.indicator_code,
    i.name_vi as indicator_name_vi,
    n.target_type,
    {{ label_vi('target_type', 'n.target_type') }} as target_type_vi,
    n.bound,
    {{ label_vi('bound', 'n.bound') }} as bound_vi,
    n.value_min,
    n.value_max,
    n.unit,
    n.target_year,
    {{ target_value_text_vi('n.target_type', 'n.bound', 'n.value_min', 'n.value_max', 'n.unit') }} as value_text_vi,
    {{ target_text_vi('n.target_type', 'n.bound', 'n.value_min', 'n.value_max', 'n.unit', 'n.target_year') }}
        as target_text_vi,
    'quốc gia ' || coalesce(n.target_year::varchar, '') || ': '
        || {{ target_value_text_vi('n.target_type', 'n.bound', 'n.value_min', 'n.value_max', 'n.unit') }}
        || ' (' || n.source_doc || ')' as national_text_vi,
    n.source_doc,
    n.issue_date,
    n.basis,
    n.status,
    n.source_url
from {{ ref('national_targets') }} as n
left join {{ ref('indicators') }} as i on i.code = n.indicator_code
order by n.indicator_code, n.target_year, n.issue_date, n.source_doc
