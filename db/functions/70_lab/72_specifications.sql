-- Specifications (migration lab/core): which specification applies to a
-- result, and its verdict. The most specific active specification that
-- matches the sample and has limits for the test's code applies: each of
-- product (the sample's custom field "product"), sample type and customer
-- that it names must match, and one naming more of them beats one naming
-- fewer (ties: the newest). Limits are in their own unit; the result is
-- converted into it.

CREATE OR REPLACE FUNCTION app_private.applicable_specification_limit(p_sample app.samples, p_test_code text)
RETURNS app.specification_limits
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT l.* FROM app.specifications AS sp
    JOIN app.specification_limits AS l ON l.organization_id = sp.organization_id AND l.specification_id = sp.id AND l.test_code = p_test_code
   WHERE sp.organization_id = p_sample.organization_id AND sp.is_active
     AND (sp.product IS NULL OR sp.product = p_sample.custom_fields ->> 'product')
     AND (sp.sample_type_id IS NULL OR sp.sample_type_id = p_sample.sample_type_id)
     AND (sp.partner_id IS NULL OR sp.partner_id = p_sample.partner_id)
   ORDER BY pg_catalog.num_nonnulls(sp.product, sp.sample_type_id, sp.partner_id) DESC,
            (sp.product IS NOT NULL) DESC, (sp.partner_id IS NOT NULL) DESC, sp.created_at DESC, sp.id
   LIMIT 1
$$;
COMMENT ON FUNCTION app_private.applicable_specification_limit(app.samples, text) IS
  'The limits of the specification that applies to a test on a sample: the most specific active specification with limits for the test code whose product (the sample''s custom field product), sample type and customer, where named, all match; more matches win, then product over customer over sample type, then the newest.';

CREATE OR REPLACE FUNCTION app_private.result_verdict(p_sample app.samples, p_test_code text, p_value numeric, p_unit text, p_document jsonb)
RETURNS TABLE (specification_id uuid, verdict app.spec_verdict)
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_limit app.specification_limits := app_private.applicable_specification_limit(p_sample, p_test_code);
  v_value numeric;
  v_text text;
BEGIN
  IF v_limit.id IS NULL THEN
    RETURN QUERY SELECT NULL::uuid, 'no_specification'::app.spec_verdict;
    RETURN;
  END IF;
  IF v_limit.expected_text IS NOT NULL AND p_value IS NULL THEN
    v_text := coalesce(p_document ->> 'value', p_document ->> 'text');
    RETURN QUERY SELECT v_limit.specification_id,
      CASE WHEN pg_catalog.lower(pg_catalog.btrim(v_text)) = pg_catalog.lower(pg_catalog.btrim(v_limit.expected_text))
           THEN 'within' ELSE 'out_of_specification' END::app.spec_verdict;
    RETURN;
  END IF;
  IF p_value IS NULL OR pg_catalog.num_nonnulls(v_limit.action_low, v_limit.warning_low, v_limit.warning_high, v_limit.action_high) = 0 THEN
    -- A number judged by text only, or text where numbers are expected: the limits do not speak to it.
    RETURN QUERY SELECT v_limit.specification_id,
      CASE WHEN p_value IS NULL THEN 'out_of_specification' ELSE 'no_specification' END::app.spec_verdict;
    RETURN;
  END IF;
  v_value := CASE WHEN p_unit IS NULL OR p_unit = v_limit.unit THEN p_value ELSE app.convert_unit(p_value, p_unit, v_limit.unit) END;
  RETURN QUERY SELECT v_limit.specification_id,
    CASE WHEN v_value < v_limit.action_low OR v_value > v_limit.action_high THEN 'out_of_specification'
         WHEN v_value < v_limit.warning_low OR v_value > v_limit.warning_high THEN 'warning'
         ELSE 'within' END::app.spec_verdict;
END
$$;
COMMENT ON FUNCTION app_private.result_verdict(app.samples, text, numeric, text, jsonb) IS
  'The specification and verdict of a result: no_specification when none applies; for a qualitative limit, the document''s value (or text) equal to expected_text (case and outer spaces ignored) is within, anything else out_of_specification; for numeric limits the value converted to the limits'' unit (PT422 unit.incompatible): outside the action limits out_of_specification, outside the warning limits warning, else within; no number where numeric limits apply is out_of_specification.';

-- A limit's unit must be of the dimension of the test's results; checked
-- where a limit is written, against the published versions of the code.
CREATE OR REPLACE FUNCTION app_private.tg_specification_limits__unit() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_test_unit text;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  SELECT t.unit INTO v_test_unit FROM app.lab_tests AS t
   WHERE t.organization_id = NEW.organization_id AND t.code = NEW.test_code AND t.status = 'published';
  IF NEW.unit IS NOT NULL AND v_test_unit IS NOT NULL THEN
    PERFORM app.convert_unit(1, NEW.unit, v_test_unit);
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_specification_limits__unit() IS
  'BEFORE INSERT/UPDATE on specification_limits: the tenant guard; the limits'' unit converts to the unit of the published test of that code (PT422 unit.incompatible, unit.unknown).';

CREATE OR REPLACE TRIGGER _300_unit BEFORE INSERT OR UPDATE ON app.specification_limits
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_specification_limits__unit();
