// Task report_export: stores the file of one report execution.
//
// SQL decides everything: app_private.report_execution_start counts the
// attempt, runs the report as its requester (their claims and the app_user
// role, so row-level security gives them only rows they may read) and
// returns the file (RFC 4180 CSV or JSON lines) with a presigned PUT URL, or
// nothing when the execution is no longer queued or running, or when the
// query failed (it marked the execution failed with the reason). This task
// PUTs the file to object storage and reports its sha256 and size to
// app_private.report_execution_finish. A failed upload is reported, then
// thrown, so graphile-worker retries it (max_attempts of the job, with its
// backoff); after the last attempt the execution is marked failed.
import { createHash } from "node:crypto";

async function put(url, body, contentType) {
  const response = await fetch(url, { method: "PUT", body, headers: { "Content-Type": contentType } });
  if (!response.ok) throw new Error(`object storage answered ${response.status} to the PUT`);
}

export async function report_export(payload, helpers) {
  const { organization_id, execution_id } = payload;
  const { rows } = await helpers.withPgClient((client) => client.query(
    "select app_private.report_execution_start($1, $2) as report", [organization_id, execution_id]));
  const report = rows[0]?.report;
  if (!report) return;
  try {
    const body = Buffer.from(report.body, "utf8");
    await put(report.put_url, body, report.mime_type);
    const sha256 = createHash("sha256").update(body).digest("hex");
    await helpers.withPgClient((client) => client.query(
      "select app_private.report_execution_finish($1, $2, $3, $4, null, false)",
      [organization_id, execution_id, sha256, body.length]));
  } catch (error) {
    const final = helpers.job.attempts >= helpers.job.max_attempts;
    await helpers.withPgClient((client) => client.query(
      "select app_private.report_execution_finish($1, $2, null, null, $3, $4)",
      [organization_id, execution_id, String(error?.message ?? error).slice(0, 2000), final]));
    throw error;
  }
}
