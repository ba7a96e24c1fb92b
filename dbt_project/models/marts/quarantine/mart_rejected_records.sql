-- Quarantine of the extraction steps: targets and citations that failed their contract, and
-- documents an extractor could not process, with reasons; and reference statistics that were not
-- used (no source, or another row of the same province, statistic and year was chosen).
select 'target' as record_type, {{ quarantine_columns() }}
from {{ ref('stg_rejected_targets') }}
union all
select 'citation' as record_type, {{ quarantine_columns() }}
from {{ ref('stg_rejected_citations') }}
union all
select
    'reference_statistic' as record_type,
    case when origin = 'seed' then 'dbt_project/seeds/reference_statistics.csv' else 'reference/' || origin end
        as file_name,
    null::varchar as document_id,
    'reference' as stage,
    rejection_code as reason_code,
    case rejection_code
        when 'reference_no_source' then
            'Số liệu ' || statistic || ' năm ' || year || ' của ' || coalesce(province_name, province_code)
            || ' không ghi nguồn nên không được dùng (để trống). Ghi nguồn vào cột source rồi chạy lại.'
        when 'reference_conflict' then
            'Số liệu ' || statistic || ' năm ' || year || ' của ' || coalesce(province_name, province_code)
            || ' khác số đã chọn (' || value || ' so với ' || chosen_value || ' từ ' || chosen_origin
            || '): chọn theo trạng thái (official, preliminary, estimate, as reported), rồi dữ liệu gốc'
            || ' trước tệp bổ sung, rồi theo nguồn. Số này không được dùng.'
        else
            'Số liệu ' || statistic || ' năm ' || year || ' của ' || coalesce(province_name, province_code)
            || ' trùng với số đã chọn từ ' || chosen_origin || '; không dùng lần hai.'
    end as reason
from {{ ref('int_reference_statistics') }}
where rejection_code is not null
union all
-- analysts' review decisions that cannot apply: refused files and rows, orphans, added quotes not found
select
    'review' as record_type,
    'reviews/' || review_file as file_name,
    null::varchar as document_id,
    'review' as stage,
    reason_code,
    'Dòng ' || coalesce(review_row::varchar, '–') || ': ' || reason as reason
from {{ ref('stg_rejected_reviews') }}
union all
select
    'review' as record_type,
    'reviews/' || review_file as file_name,
    document_id,
    'review' as stage,
    case review_outcome when 'orphan' then 'review_orphan' else 'review_quote_not_found' end as reason_code,
    'Dòng ' || review_row || ' (' || decision || ', mục tiêu ' || target_id || '): ' || outcome_reason as reason
from {{ ref('int_review_decisions') }}
where review_outcome in ('orphan', 'rejected')
order by record_type, file_name, stage, document_id, reason_code, reason  -- total: the same order every build
