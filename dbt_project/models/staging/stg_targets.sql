-- One row per extracted target, typed; components stay JSON text.
select
    target_id,
    document_id,
    indicator as indicator_code,
    label,
    target_type,
    bound,
    value_min,
    value_max,
    unit,
    target_year::integer as target_year,
    baseline_value,
    baseline_year::integer as baseline_year,
    components,
    qualitative,
    quote,
    char_start,
    char_end,
    section,
    confidence,
    source as extracted_from,
    review_status
from {{ source('raw', 'targets') }}
