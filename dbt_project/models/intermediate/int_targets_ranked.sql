-- Every target (as reviewed: rejected ones left out, corrections and additions in) with its plan's recency, and whether it comes from the newest plan of its province
-- stating that indicator (ties: the later target year, then the first in the text).
with targets as (
    select
        t.*,
        d.province_code,
        d.province_key,
        d.province_era,
        d.province_name,
        d.successor_code,
        d.successor_name,
        d.doc_number,
        d.issue_year,
        d.title as document_title,
        coalesce(
            d.issue_date,
            make_date(d.issue_year, coalesce(d.issue_month, 1), 1),
            make_date(d.period_start, 1, 1)
        ) as plan_date
    from {{ ref('int_targets_reviewed') }} as t  -- after the analysts' decisions
    inner join {{ ref('int_documents') }} as d using (document_id)
)

select
    *,
    row_number() over (
        partition by province_key, indicator_code
        order by plan_date desc nulls last, target_year desc nulls last, char_start
    ) = 1 as is_newest
from targets
