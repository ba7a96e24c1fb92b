{#-
  Vietnamese display text, written once: every mart, the workbook and the dashboards read the
  strings these macros produce, so a target reads the same everywhere.
-#}

{#- A number the Vietnamese way: 45000 → "45.000", 1.5 → "1,5", 1234.25 → "1.234,25" (≤ 4 decimals). -#}
{% macro vn_number(expr) -%}
(case
    when {{ expr }} is null then null
    else
        (case when round({{ expr }}, 4) < 0 then '-' else '' end)
        || replace(format('{:,}', trunc(abs(round({{ expr }}, 4)))::hugeint), ',', '.')
        || coalesce(',' || nullif(rtrim(split_part(printf('%.4f', abs(round({{ expr }}, 4))), '.', 2), '0'), ''), '')
end)
{%- endmacro %}

{#-
  The value of a target without its year: "≥ 2", "+2", "≥ +2", "×1,5", "2–4", "≈ 5", "1,2–1,5% GRDP",
  "45.000 doanh nghiệp". The bound comes first, then the sign of an increase or multiple, then the
  number(s) and the unit; a qualitative target reads "định tính: <label>".
-#}
{% macro target_value_text_vi(target_type, bound, value_min, value_max, unit, qualitative='false', label="''") -%}
(case
    when coalesce({{ qualitative }}, false) or ({{ value_min }} is null and {{ value_max }} is null)
        then 'định tính' || coalesce(': ' || nullif({{ label }}, ''), '')
    else
        case {{ bound }}
            when 'ge' then '≥ '
            when 'gt' then '> '
            when 'le' then '≤ '
            when 'lt' then '< '
            when 'approx' then '≈ '
            else ''
        end
        || case {{ target_type }}
            when 'increase_by' then '+'
            when 'multiply_by' then '×'
            else ''
        end
        || case
            when coalesce({{ value_min }}, {{ value_max }}) = coalesce({{ value_max }}, {{ value_min }})
                then {{ vn_number('coalesce(' ~ value_min ~ ', ' ~ value_max ~ ')') }}
            else {{ vn_number(value_min) }} || '–' || {{ vn_number(value_max) }}
        end
        || case
            when {{ unit }} is null or {{ unit }} = '' then ''
            when starts_with({{ unit }}, '%') then {{ unit }}
            else ' ' || {{ unit }}
        end
end)
{%- endmacro %}

{#- The target with its year, as a matrix cell shows it: "1,2–1,5% GRDP (2025)". -#}
{% macro target_text_vi(target_type, bound, value_min, value_max, unit, target_year, qualitative='false', label="''") -%}
({{ target_value_text_vi(target_type, bound, value_min, value_max, unit, qualitative, label) }}
    || case when {{ target_year }} is not null then ' (' || {{ target_year }} || ')' else '' end)
{%- endmacro %}

{#- The Vietnamese label of a code from the labels_vi seed (the code itself when the seed lacks it). -#}
{% macro label_vi(vocabulary, expr) -%}
coalesce(
    (select l.label_vi from {{ ref('labels_vi') }} as l where l.vocabulary = '{{ vocabulary }}' and l.code = {{ expr }}),
    {{ expr }}
)
{%- endmacro %}
