-- A code has one label within its vocabulary: two would make the workbook and dashboards disagree.
select vocabulary, code, count(*) as labels
from {{ ref('labels_vi') }}
group by vocabulary, code
having count(*) > 1
