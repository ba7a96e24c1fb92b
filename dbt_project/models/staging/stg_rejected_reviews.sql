-- Review files and rows refused when they were read (wrong columns, formula, not a number …).
select
    file_name as review_file,
    row_number as review_row,
    target_id,
    decision,
    reason_code,
    reason
from {{ source('raw', 'rejected_reviews') }}
