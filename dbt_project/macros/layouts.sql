{#-
  Column sets that several models show the same way, written once so that a mart cannot drift
  from the others (each mart's YAML contract still names and types every column).
-#}

{#- `columns`, each qualified by `alias` when one is given, as a select list. -#}
{% macro column_list(columns, alias=none) -%}
{%- for column in columns -%}
{{ alias ~ '.' if alias }}{{ column }}{{ ',\n    ' if not loop.last }}
{%- endfor -%}
{%- endmacro %}

{#- The quarantine record of an extraction step (files, targets, citations): which file, which
    document, the step that refused it, a machine code and a reason a person can act on. -#}
{% macro quarantine_columns(alias=none) -%}
{{ column_list(['file_name', 'document_id', 'stage', 'reason_code', 'reason'], alias) }}
{%- endmacro %}

{#- The province of a plan as every mart names it: its code and key (code + scheme) at the plan's
    date, its name, and the 2025 unit it rolls up to. -#}
{% macro province_columns(alias=none) -%}
{{ column_list(['province_code', 'province_key', 'province_name', 'successor_code', 'successor_name'], alias) }}
{%- endmacro %}

{#- What a target states, in the order target_text_vi reads it: its type, bound, lower and upper
    value, unit and year. -#}
{% macro target_value_columns(alias=none) -%}
{{ column_list(['target_type', 'bound', 'value_min', 'value_max', 'unit', 'target_year'], alias) }}
{%- endmacro %}
