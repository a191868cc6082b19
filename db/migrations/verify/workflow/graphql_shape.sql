-- Verify pulse:graphql_shape on pg

BEGIN;

SELECT project_number FROM app.projects WHERE false;
SELECT 1 / count(*) FROM pg_catalog.pg_indexes
 WHERE schemaname = 'app'
   AND indexname IN ('projects_priority_idx', 'projects_requested_due_date_idx', 'projects_promised_due_date_idx',
                     'projects_created_at_idx', 'project_sub_stage_progress_order_idx', 'approvals_type_idx',
                     'approvals_priority_idx', 'approvals_sla_due_at_idx', 'approvals_created_at_idx',
                     'documents_created_at_idx')
HAVING count(*) = 10;
-- No comment on the changed columns starts with a smart tag.
SELECT 1 / (count(*) = 0)::int FROM pg_catalog.pg_description AS d
  JOIN pg_catalog.pg_attribute AS a ON a.attrelid = d.objoid AND a.attnum = d.objsubid
 WHERE d.objoid IN ('app.projects'::regclass, 'app.notifications'::regclass) AND d.description LIKE '@%';

ROLLBACK;
