// Task sap_deliver: one HTTP attempt of one outbound SAP message.
//
// SQL decides everything (db/functions/97_integration/30_sap_outbound.sql):
// app_private.sap_attempt_begin returns the request (URL, headers with basic
// authentication, sap-client and Idempotency-Key, the payload, limits) or
// nothing when the message is no longer due; this task POSTs it with the
// webhook task's client (same SSRF guard, timeout, response limit, no
// redirects) and reports to app_private.sap_attempt_finish, which logs the
// attempt and marks the message sent, schedules the next attempt or
// dead-letters it.
import { post } from "./webhook_deliver.mjs";

export async function sap_deliver(payload, helpers) {
  const { organization_id, message_id } = payload;
  const { rows } = await helpers.withPgClient((client) => client.query(
    "select url, headers, body, timeout_ms, max_response_bytes, attempt_number"
    + " from app_private.sap_attempt_begin($1, $2)", [organization_id, message_id]));
  if (rows.length === 0) return;
  const request = rows[0];
  const started = process.hrtime.bigint();
  const outcome = await post(request);
  const durationMs = Number((process.hrtime.bigint() - started) / 1000000n);
  await helpers.withPgClient((client) => client.query(
    "select app_private.sap_attempt_finish($1, $2, $3, $4, $5, $6, $7)",
    [organization_id, message_id, request.attempt_number, outcome.status, durationMs, outcome.error, outcome.excerpt]));
}
