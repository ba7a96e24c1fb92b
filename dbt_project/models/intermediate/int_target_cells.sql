-- The display text of each target, written once (macros/vietnamese.sql) and read by the matrix,
-- the comparison and benchmarking marts, the workbook and the dashboards:
-- "1,2–1,5% GRDP (2025)", "≥ 1 mô hình (2024)", "+2 doanh nghiệp (2025)", "45.000 người", "≈ 5%".
select
    target_id,
    {{ target_value_text_vi('target_type', 'bound', 'value_min', 'value_max', 'unit', 'qualitative', 'label') }}
        as value_text_vi,
    {{ target_text_vi('target_type', 'bound', 'value_min', 'value_max', 'unit', 'target_year', 'qualitative', 'label') }}
        as target_text_vi,
    -- the older name of target_text_vi, kept for the marts and files that already read it
    {{ target_text_vi('target_type', 'bound', 'value_min', 'value_max', 'unit', 'target_year', 'qualitative', 'label') }}
        as cell_text
from {{ ref('int_targets_ranked') }}
