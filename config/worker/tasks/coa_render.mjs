// Task coa_render: renders one certificate-of-analysis revision to PDF.
//
// SQL decides everything: app_private.certificate_render_begin counts the
// attempt and returns the revision's frozen content (what the certificate
// states, as it was signed) and a presigned PUT URL for its object, or
// nothing when the revision is no longer pending. This task draws the PDF
// with pdfkit, PUTs it to object storage and reports the sha256 and size to
// app_private.certificate_render_finish. A failed attempt is reported too,
// then thrown, so graphile-worker retries it (max_attempts of the job, with
// its backoff); after the last attempt the revision is marked failed.
import { createHash } from "node:crypto";
import PDFDocument from "pdfkit";

const VERDICTS = {
  within: "Within specification",
  warning: "Within specification (warning)",
  out_of_specification: "OUT OF SPECIFICATION",
  no_specification: "No specification",
};

function text(value) {
  return value === null || value === undefined ? "" : String(value);
}

function dateTime(value) {
  return value ? new Date(value).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC") : "";
}

function limitsText(limits) {
  if (!limits) return "";
  if (limits.expected_text) return limits.expected_text;
  const low = limits.action_low ?? limits.warning_low;
  const high = limits.action_high ?? limits.warning_high;
  const unit = limits.unit ? ` ${limits.unit}` : "";
  if (low !== null && low !== undefined && high !== null && high !== undefined) return `${low} - ${high}${unit}`;
  if (low !== null && low !== undefined) return `>= ${low}${unit}`;
  if (high !== null && high !== undefined) return `<= ${high}${unit}`;
  return "";
}

function valueText(result) {
  if (result.numeric_value !== null && result.numeric_value !== undefined) return text(result.numeric_value);
  const value = result.value?.value ?? result.value?.text;
  return value === undefined ? JSON.stringify(result.value) : text(value);
}

/** The PDF of a certificate revision (what certificate_render_begin returned), as a Buffer. */
export function renderCertificate(certificate) {
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    info: {
      Title: `${certificate.certificate_number} rev ${certificate.revision}`,
      Subject: `Certificate of analysis: ${certificate.title}`,
      Producer: "Pulse",
    },
  });
  const chunks = [];
  doc.on("data", (chunk) => chunks.push(chunk));
  const finished = new Promise((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const content = certificate.content;

  doc.font("Helvetica-Bold").fontSize(18).text("Certificate of Analysis");
  doc.font("Helvetica").fontSize(10).moveDown(0.5);
  doc.text(`${certificate.certificate_number}   Revision ${certificate.revision}`);
  doc.text(`Laboratory: ${text(content.laboratory)}`);
  if (content.customer) doc.text(`Customer: ${text(content.customer.name)}`);
  if (content.lot_number) doc.text(`Lot: ${content.lot_number}`);
  doc.text(`Issued: ${dateTime(certificate.issued_at)}`);
  if (certificate.reason) doc.text(`Reissued because: ${certificate.reason}`);

  for (const sample of content.samples ?? []) {
    doc.moveDown();
    doc.font("Helvetica-Bold").fontSize(12).text(`Sample ${sample.sample_number} (${text(sample.sample_type)})`);
    doc.font("Helvetica").fontSize(9);
    doc.text(`Barcode ${text(sample.barcode)}${sample.lot_number ? `, lot ${sample.lot_number}` : ""}; `
             + `collected ${dateTime(sample.collected_at) || "-"}; received ${dateTime(sample.received_at) || "-"}`);
    if (sample.description) doc.text(sample.description);
    doc.moveDown(0.3);
    for (const result of sample.results ?? []) {
      const spec = result.specification ? ` [${result.specification.code}]` : "";
      doc.font("Helvetica-Bold").text(`${text(result.test_name)} (${result.test_code} v${result.test_version})`
                                      + `${result.method ? `, ${result.method}` : ""}`);
      doc.font("Helvetica").text(
        `Result: ${valueText(result)} ${text(result.unit)}   Limits: ${limitsText(result.limits) || "-"}${spec}   `
        + `Verdict: ${VERDICTS[result.verdict] ?? text(result.verdict)}`);
      doc.text(`Released by ${text(result.released_by?.name)} at ${dateTime(result.released_at)}`
               + `${result.amendment_reason ? `; amended: ${result.amendment_reason}` : ""}`);
      doc.moveDown(0.3);
    }
  }

  doc.moveDown();
  doc.font("Helvetica-Bold").fontSize(10).text("Electronic signature");
  doc.font("Helvetica").fontSize(9);
  doc.text(`Signed by ${text(certificate.signer_name)} <${text(certificate.signer_email)}> at ${dateTime(certificate.signed_at)}`);
  doc.text(`Meaning: ${text(certificate.meaning)}`);
  doc.text(`Content sha256: ${certificate.content_sha256}`);
  doc.text(`Signature sha256: ${text(certificate.signature_sha256)}`);
  doc.end();
  return finished;
}

async function put(url, body) {
  const response = await fetch(url, { method: "PUT", body, headers: { "Content-Type": "application/pdf" } });
  if (!response.ok) throw new Error(`object storage answered ${response.status} to the PUT`);
}

export async function coa_render(payload, helpers) {
  const { organization_id, version_id } = payload;
  const { rows } = await helpers.withPgClient((client) => client.query(
    "select app_private.certificate_render_begin($1, $2) as certificate", [organization_id, version_id]));
  const certificate = rows[0]?.certificate;
  if (!certificate) return;
  try {
    const pdf = await renderCertificate(certificate);
    await put(certificate.put_url, pdf);
    const sha256 = createHash("sha256").update(pdf).digest("hex");
    await helpers.withPgClient((client) => client.query(
      "select app_private.certificate_render_finish($1, $2, $3, $4, null, false)",
      [organization_id, version_id, sha256, pdf.length]));
  } catch (error) {
    const final = helpers.job.attempts >= helpers.job.max_attempts;
    await helpers.withPgClient((client) => client.query(
      "select app_private.certificate_render_finish($1, $2, null, null, $3, $4)",
      [organization_id, version_id, String(error?.message ?? error).slice(0, 2000), final]));
    throw error;
  }
}
