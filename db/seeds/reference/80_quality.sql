-- Quality workflows (80_quality/68_workflows.sql): the default NCR, change
-- order and drawing revision state machines and the ECO / RDA approval
-- chains for every tenant that has none yet, its existing NCRs, change
-- orders and drawing revisions put on them (after 10_rbac.sql: the guards
-- name ncr.manage, change_order.manage, drawing.manage; after
-- 20_workflow.sql: the approval chains); a tenant whose published change
-- order machine predates the way back after an expired approval gets it as
-- a new version (app_private.add_change_order_expiry_way_back). Idempotent.
SELECT app_private.provision_quality_workflows(o.id) FROM app.organizations AS o;
