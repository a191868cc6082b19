-- Document retention (seed 002 §3, §5): a document's retention_tag
-- (retain-<N>y, from its category's rule when it was created) keeps it N
-- years after its newest version. Until then nobody deletes it, the owner
-- included (PT409 document.in_retention); afterwards a scheduled job
-- (50_platform/40_jobs.sql) flags it for disposal in app.document_disposals,
-- the document controller's list.

CREATE OR REPLACE FUNCTION app_private.document_retention_ends(p_document app.documents) RETURNS timestamptz
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT GREATEST(p_document.created_at,
                  (SELECT pg_catalog.max(v.uploaded_at) FROM app.document_versions AS v
                    WHERE v.organization_id = p_document.organization_id AND v.document_id = p_document.id))
         + pg_catalog.make_interval(years => pg_catalog.substring(p_document.retention_tag, '^retain-([0-9]+)y$')::integer)
$$;

COMMENT ON FUNCTION app_private.document_retention_ends(app.documents) IS
  'When a document''s retention ends: its newest version''s upload (its creation when it has none) plus the years its retention_tag (retain-<N>y) names.';

CREATE OR REPLACE FUNCTION app_private.tg_documents__keep_in_retention() RETURNS trigger
LANGUAGE plpgsql VOLATILE
-- Definer: it asks private helpers, which the API role that fires it may not execute.
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_ends timestamptz;
BEGIN
  IF app_private.tenant_is_leaving(OLD.organization_id) THEN
    RETURN OLD;
  END IF;
  v_ends := app_private.document_retention_ends(OLD);
  IF v_ends > pg_catalog.now() THEN
    RAISE EXCEPTION 'document % is retained until % (%)', OLD.id, v_ends, OLD.retention_tag
      USING ERRCODE = 'PT409', DETAIL = 'document.in_retention',
      HINT = 'A document is kept until its retention ends; the flag-documents-for-disposal job then lists it in document_disposals.';
  END IF;
  RETURN OLD;
END
$$;

COMMENT ON FUNCTION app_private.tg_documents__keep_in_retention() IS
  'BEFORE DELETE on documents: refuses (PT409, reason document.in_retention) to delete a document, with its versions, before its retention ends (app_private.document_retention_ends), whoever asks; a purged tenant''s documents go with it.';

CREATE OR REPLACE TRIGGER _150_keep_in_retention BEFORE DELETE ON app.documents
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_documents__keep_in_retention();

CREATE OR REPLACE FUNCTION app_private.flag_documents_for_disposal(p_as_of timestamptz DEFAULT pg_catalog.now())
RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_count integer;
BEGIN
  INSERT INTO app.document_disposals (organization_id, document_id, retention_ended_at, flagged_at)
  SELECT d.organization_id, d.id, e.ends, p_as_of
    FROM app.documents AS d
   CROSS JOIN LATERAL (SELECT app_private.document_retention_ends(d) AS ends) AS e
   WHERE e.ends <= p_as_of
  ON CONFLICT (organization_id, document_id) DO NOTHING;
  GET DIAGNOSTICS v_count = ROW_COUNT;
  RETURN v_count;
END
$$;

COMMENT ON FUNCTION app_private.flag_documents_for_disposal(timestamptz) IS
  'Scheduled job: flags every document whose retention ended by p_as_of (default now) for disposal (app.document_disposals), once. Returns how many it flagged.';
