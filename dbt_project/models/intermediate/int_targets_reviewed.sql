-- The targets every mart reads: extracted targets with the latest applied decision on each
-- (rejected ones leave, corrected ones take the analyst's indicator, values and year), plus the
-- targets analysts added; review_status says which numbers a person has checked.
with latest as (
    select * from {{ ref('int_review_decisions') }} where review_outcome = 'applied'
),

extracted as (
    select
        t.target_id,
        t.document_id,
        coalesce(case when l.decision = 'correct' then l.indicator_code end, t.indicator_code) as indicator_code,
        t.label,
        t.target_type,
        case
            when l.decision = 'correct' and l.value_min is not null
                then case when l.value_min = coalesce(l.value_max, l.value_min) then 'eq' else 'range' end
            else t.bound
        end as bound,
        case when l.decision = 'correct' and l.value_min is not null then l.value_min else t.value_min end
            as value_min,
        case
            when l.decision = 'correct' and l.value_min is not null then coalesce(l.value_max, l.value_min)
            else t.value_max
        end as value_max,
        t.unit,
        coalesce(case when l.decision = 'correct' then l.target_year end, t.target_year) as target_year,
        t.baseline_value,
        t.baseline_year,
        t.components,
        t.qualitative,
        t.quote,
        t.char_start,
        t.char_end,
        t.section,
        t.confidence,
        t.extracted_from,
        case l.decision
            when 'confirm' then 'verified'
            when 'add' then 'verified'
            when 'correct' then 'corrected'
            else t.review_status
        end as review_status,
        l.decision as review_decision
    from {{ ref('stg_targets') }} as t
    left join latest as l using (target_id)
    where coalesce(l.decision, '') <> 'reject'
),

added as (
    select
        a.target_id,
        a.document_id,
        a.indicator_code,
        i.name_vi as label,
        'level' as target_type,
        case when a.value_min = a.value_max then 'eq' else 'range' end as bound,
        a.value_min,
        a.value_max,
        i.unit,
        a.target_year,
        null::double as baseline_value,
        null::integer as baseline_year,
        null::varchar as components,
        false as qualitative,
        a.quote,
        a.quote_start::bigint as char_start,
        (a.quote_start + length(a.quote))::bigint as char_end,
        null::varchar as section,
        null::double as confidence,
        'review' as extracted_from,
        'added' as review_status,
        a.decision as review_decision
    from latest as a
    left join {{ ref('indicators') }} as i on i.code = a.indicator_code
    where a.decision = 'add' and not a.target_exists
)

select * from extracted
union all
select * from added
