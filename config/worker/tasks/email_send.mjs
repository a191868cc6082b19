// Task email_send: sends one notification e-mail over the deployment's SMTP
// server with nodemailer.
//
// SQL decides everything: app_private.email_send_begin counts the attempt and
// returns the SMTP settings (app_private.email_settings, from PULSE_SMTP_*)
// and the message (From, To, subject, text with the notification's link and
// the one-click unsubscribe link, List-Unsubscribe headers), or nothing when
// there is nothing to send (already settled, the recipient left the tenant or
// unsubscribed, no SMTP server configured: it recorded why). This task sends
// it and reports the server's answer to app_private.email_send_finish. A
// permanent refusal (a 5xx answer) fails the delivery at once; any other
// failure (a 4xx answer, a connection error, a timeout) is reported, then
// thrown, so graphile-worker retries it with its exponential backoff until
// the job's max_attempts, after which the delivery is failed.
import nodemailer from "nodemailer";

/** A nodemailer transport for the settings email_send_begin returned. */
export function transportFor(smtp) {
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === "tls",
    requireTLS: smtp.security === "starttls",
    ignoreTLS: smtp.security === "none",
    auth: smtp.username ? { user: smtp.username, pass: smtp.password ?? "" } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
}

function answer(error) {
  // nodemailer puts the server's reply in error.response (e.g. "550 5.1.1 <x@y>: no such user").
  return String(error?.response ?? error?.message ?? error).slice(0, 2000);
}

export async function email_send(payload, helpers) {
  const { organization_id, delivery_id } = payload;
  const { rows } = await helpers.withPgClient((client) => client.query(
    "select app_private.email_send_begin($1, $2) as mail", [organization_id, delivery_id]));
  const mail = rows[0]?.mail;
  if (!mail) return;
  const transport = transportFor(mail.smtp);
  try {
    const info = await transport.sendMail(mail.message);
    await helpers.withPgClient((client) => client.query(
      "select app_private.email_send_finish($1, $2, true, $3, $4, false)",
      [organization_id, delivery_id, info.messageId ?? null, String(info.response ?? "").slice(0, 2000)]));
  } catch (error) {
    const permanent = Number(error?.responseCode) >= 500;
    const final = permanent || helpers.job.attempts >= helpers.job.max_attempts;
    await helpers.withPgClient((client) => client.query(
      "select app_private.email_send_finish($1, $2, false, null, $3, $4)", [organization_id, delivery_id, answer(error), final]));
    if (!final) throw error;
    helpers.logger.error(`e-mail ${delivery_id} failed for good: ${answer(error)}`);
  } finally {
    transport.close();
  }
}
