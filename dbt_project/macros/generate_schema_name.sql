{#- Use the folder's schema name as is (staging, marts, reference) instead of dbt's
    default "<target>_<custom>" so exports and dashboards can find marts by name. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
