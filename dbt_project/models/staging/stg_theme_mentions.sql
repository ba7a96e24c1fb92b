-- Theme mentions per document section.
select document_id, section, theme_code, mentions::integer as mentions, chars::integer as chars
from {{ source('raw', 'theme_mentions') }}
