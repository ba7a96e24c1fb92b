-- One row per analyst decision read from data/raw/reviews (the reviews asset), typed.
-- decision_order ranks every decision (decided_at, else the file's time; then file and row):
-- the later decision on a target wins.
select
    file_name as review_file,
    row_number as review_row,
    decided_at,
    decision_order,
    target_id,
    document_id,
    quote,
    decision,
    indicator_code,
    value_min,
    value_max,
    target_year::integer as target_year,
    reviewer,
    note
from {{ source('raw', 'reviews') }}
