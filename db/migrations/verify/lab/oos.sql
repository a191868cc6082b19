-- Verify pulse:lab/oos on pg

BEGIN;

SELECT organization_id, id, investigation_number, result_id, analysis_id, sample_id, status, phase, checklist, assignable_cause,
       phase_1_findings, phase_2_findings, retest_analysis_id, capa_id, conclusion, closure_signature, opened_at, closed_at
  FROM app.oos_investigations WHERE false;


ROLLBACK;
