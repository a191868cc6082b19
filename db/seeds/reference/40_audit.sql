-- Audit defaults, as data: how long activity log events stay in the hot
-- table before the archive job moves them (seed 002 §5: 2 years). Tenants
-- get their own copy (app.audit_settings) when provisioned; changing this
-- default reaches tenants created later.
INSERT INTO app_private.default_audit_settings (activity_log_retention_years) VALUES (2)
ON CONFLICT (singleton) DO UPDATE SET activity_log_retention_years = excluded.activity_log_retention_years;

SELECT app_private.provision_audit(o.id) FROM app.organizations AS o;
