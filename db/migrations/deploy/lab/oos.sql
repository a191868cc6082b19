-- Deploy pulse:lab/oos to pg
-- requires: lab/results

BEGIN;

-- Out-of-specification investigations (FDA guidance "Investigating OOS Test
-- Results for Pharmaceutical Production", 2006/2022): a product result out
-- of its specification opens a Phase I laboratory investigation; an
-- assignable cause invalidates the result and orders a retest; without one
-- the investigation goes to Phase II (full scale). A CAPA is opened only when
-- the investigators decide so. Closing needs a conclusion (and an electronic
-- signature under GLP).

CREATE TYPE app.oos_phase AS ENUM ('phase_1', 'phase_2');
COMMENT ON TYPE app.oos_phase IS 'The phase of an OOS investigation: phase_1 (the laboratory investigation) or phase_2 (full scale: production, process, sampling).';
CREATE TYPE app.oos_status AS ENUM ('open', 'closed');
COMMENT ON TYPE app.oos_status IS 'An OOS investigation is open until it is closed with a conclusion.';

CREATE TABLE app.oos_investigations (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  investigation_number text NOT NULL,
  result_id uuid NOT NULL,
  analysis_id uuid NOT NULL,
  sample_id uuid NOT NULL,
  status app.oos_status NOT NULL DEFAULT 'open',
  phase app.oos_phase NOT NULL DEFAULT 'phase_1',
  checklist jsonb NOT NULL DEFAULT '{}' CONSTRAINT oos_investigations_checklist_object CHECK (jsonb_typeof(checklist) = 'object'),
  assignable_cause boolean,
  phase_1_findings text CONSTRAINT oos_investigations_findings_length CHECK (length(btrim(phase_1_findings)) BETWEEN 1 AND 8000),
  phase_2_findings text CONSTRAINT oos_investigations_phase_2_length CHECK (length(btrim(phase_2_findings)) BETWEEN 1 AND 8000),
  retest_analysis_id uuid,
  capa_id uuid,
  conclusion text CONSTRAINT oos_investigations_conclusion_length CHECK (length(btrim(conclusion)) BETWEEN 1 AND 8000),
  closure_signature jsonb CONSTRAINT oos_investigations_signature_object CHECK (jsonb_typeof(closure_signature) = 'object'),
  opened_at timestamptz NOT NULL DEFAULT now(),
  phase_1_decided_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  phase_1_decided_at timestamptz,
  closed_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  closed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT oos_investigations_number_unique UNIQUE (organization_id, investigation_number),
  CONSTRAINT oos_investigations_one_per_result UNIQUE (organization_id, result_id),
  FOREIGN KEY (organization_id, result_id) REFERENCES app.results (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, analysis_id) REFERENCES app.analyses (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, sample_id) REFERENCES app.samples (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, retest_analysis_id) REFERENCES app.analyses (organization_id, id),
  FOREIGN KEY (organization_id, capa_id) REFERENCES app.capas (organization_id, id),
  CONSTRAINT oos_investigations_phase_2_without_cause CHECK (phase = 'phase_1' OR assignable_cause IS FALSE),
  CONSTRAINT oos_investigations_closed_with_conclusion CHECK (status = 'open' OR (conclusion IS NOT NULL AND closed_at IS NOT NULL))
);
CREATE INDEX oos_investigations_analysis_idx ON app.oos_investigations (organization_id, analysis_id);
CREATE INDEX oos_investigations_sample_idx ON app.oos_investigations (organization_id, sample_id);
CREATE INDEX oos_investigations_retest_idx ON app.oos_investigations (organization_id, retest_analysis_id);
CREATE INDEX oos_investigations_capa_idx ON app.oos_investigations (organization_id, capa_id);
CREATE INDEX oos_investigations_open_idx ON app.oos_investigations (organization_id, opened_at) WHERE status = 'open';
CREATE INDEX oos_investigations_decided_by_idx ON app.oos_investigations (phase_1_decided_by);
CREATE INDEX oos_investigations_closed_by_idx ON app.oos_investigations (closed_by);
COMMENT ON TABLE app.oos_investigations IS
  E'OOS investigations\nThe investigation of a product result out of its specification: Phase I in the laboratory (checklist, assignable cause or not), Phase II when no assignable cause was found, the retest ordered and the CAPA opened when the investigators decided so, closed with a conclusion (signed under GLP). Opened by the result itself; seen with its sample.';
COMMENT ON COLUMN app.oos_investigations.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.oos_investigations.id IS E'Investigation id';
COMMENT ON COLUMN app.oos_investigations.investigation_number IS E'Investigation number\nHuman id (OOS-000123).';
COMMENT ON COLUMN app.oos_investigations.result_id IS E'Result\nThe out-of-specification result (results.id).';
COMMENT ON COLUMN app.oos_investigations.analysis_id IS E'Analysis\nThe result''s analysis (analyses.id).';
COMMENT ON COLUMN app.oos_investigations.sample_id IS E'Sample\nThe result''s sample (samples.id).';
COMMENT ON COLUMN app.oos_investigations.status IS E'Status\nopen or closed.';
COMMENT ON COLUMN app.oos_investigations.phase IS E'Phase\nphase_1 (laboratory) or phase_2 (full scale).';
COMMENT ON COLUMN app.oos_investigations.checklist IS
  E'Phase I checklist\nThe laboratory questions answered (calculation_checked, instrument_checked, standards_checked, sample_prep_checked, analyst_interviewed, ...: true/false).';
COMMENT ON COLUMN app.oos_investigations.assignable_cause IS E'Assignable cause\nWhether Phase I found a laboratory error that explains the result; empty until decided.';
COMMENT ON COLUMN app.oos_investigations.phase_1_findings IS E'Phase I findings\nWhat the laboratory investigation found.';
COMMENT ON COLUMN app.oos_investigations.phase_2_findings IS E'Phase II findings\nWhat the full-scale investigation found.';
COMMENT ON COLUMN app.oos_investigations.retest_analysis_id IS E'Retest\nThe analysis (analyses.id) ordered after an assignable cause invalidated the result.';
COMMENT ON COLUMN app.oos_investigations.capa_id IS E'CAPA\nThe CAPA (capas.id) opened because the investigation decided so.';
COMMENT ON COLUMN app.oos_investigations.conclusion IS E'Conclusion\nRequired to close.';
COMMENT ON COLUMN app.oos_investigations.closure_signature IS
  E'Closure signature\nThe electronic signature of the closure: printed name, signed_at, meaning, reason, the signed payload and its sha256.';
COMMENT ON COLUMN app.oos_investigations.opened_at IS E'Opened at';
COMMENT ON COLUMN app.oos_investigations.phase_1_decided_by IS E'Phase I decided by';
COMMENT ON COLUMN app.oos_investigations.phase_1_decided_at IS E'Phase I decided at';
COMMENT ON COLUMN app.oos_investigations.closed_by IS E'Closed by';
COMMENT ON COLUMN app.oos_investigations.closed_at IS E'Closed at';
COMMENT ON COLUMN app.oos_investigations.created_at IS E'Created at';
COMMENT ON COLUMN app.oos_investigations.updated_at IS E'Updated at';

COMMIT;
