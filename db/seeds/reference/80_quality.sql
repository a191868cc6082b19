-- Quality workflows (80_quality/68_workflows.sql): the default NCR, change
-- order and drawing revision state machines and the ECO / RDA approval
-- chains for every tenant that has none yet, its existing NCRs, change
-- orders and drawing revisions put on them (after 10_rbac.sql: the guards
-- name ncr.manage, change_order.manage, drawing.manage; after
-- 20_workflow.sql: the approval chains). Idempotent.
SELECT app_private.provision_quality_workflows(o.id) FROM app.organizations AS o;
