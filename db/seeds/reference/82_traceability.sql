-- The lot and serial number patterns every tenant starts with (copied by
-- app_private.provision_traceability; a tenant changes its own in
-- app.trace_number_patterns). Idempotent.
INSERT INTO app_private.default_trace_number_patterns (kind, pattern) VALUES
  ('lot', 'LOT-{YYYY}{MM}{DD}-{####}'),
  ('serial', 'SN{YY}{WW}-{######}')
ON CONFLICT (kind) DO UPDATE SET pattern = excluded.pattern;
