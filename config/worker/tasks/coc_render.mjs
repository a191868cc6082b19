// Task coc_render: renders one certificate of conformance to PDF with pdfkit.
//
// SQL decides everything: app_private.coc_render_begin counts the attempt and
// returns the certificate's frozen content (from the view
// app_private.shipment_certificate_lines at issue) and a presigned PUT URL,
// or nothing when it is no longer queued. This task draws the PDF, PUTs it
// and reports sha256 and size to app_private.coc_render_finish; a failed
// attempt is reported, then thrown, so graphile-worker retries it.
import { createHash } from "node:crypto";
import PDFDocument from "pdfkit";

function text(value) {
  return value === null || value === undefined ? "" : String(value);
}

function dateTime(value) {
  return value ? new Date(value).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC") : "";
}

/** The PDF of a certificate of conformance (what coc_render_begin returned), as a Buffer. */
export function renderConformance(certificate) {
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    info: { Title: certificate.certificate_number, Subject: "Certificate of conformance", Producer: "Pulse" },
  });
  const chunks = [];
  doc.on("data", (chunk) => chunks.push(chunk));
  const finished = new Promise((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const content = certificate.content;
  doc.font("Helvetica-Bold").fontSize(18).text("Certificate of Conformance");
  doc.font("Helvetica").fontSize(10).moveDown(0.5);
  doc.text(`${certificate.certificate_number}   issued ${dateTime(certificate.issued_at)} by ${text(content.issued_by)}`);
  doc.text(`Supplier: ${text(content.organization)}, ${text(content.plant)}`);
  doc.text(`Customer: ${text(content.customer)}`);
  doc.text(`Shipment: ${text(content.shipment_number)}${content.shipped_at ? `, shipped ${dateTime(content.shipped_at)}` : ""}`
           + `${content.carrier ? `, ${content.carrier}` : ""}${content.tracking_number ? ` ${content.tracking_number}` : ""}`);
  doc.moveDown();
  doc.text("We certify that the material listed below was manufactured and inspected in accordance with the applicable "
           + "drawings and specifications, and conforms to them.");
  doc.moveDown();
  for (const line of content.lines ?? []) {
    doc.font("Helvetica-Bold").text(`${text(line.part_number)} rev ${text(line.part_revision) || "-"}  ${text(line.part_name)}`);
    doc.font("Helvetica").text(
      `${line.item_type === "lot" ? "Lot" : "Serial"} ${text(line.item_number)}   Quantity ${text(line.quantity)} ${text(line.unit)}   `
      + `Quality status: ${text(line.quality_status)}${line.sscc ? `   SSCC ${line.sscc}` : ""}${line.gtin ? `   GTIN ${line.gtin}` : ""}`);
    const inspections = (line.inspections ?? []).map((i) => `${text(i.kind)} ${text(i.decided_at).slice(0, 10)}`);
    if (inspections.length) doc.text(`Released inspections: ${inspections.join(", ")}`);
    const concessions = (line.concessions ?? []).map((c) => `${text(c.concession_number)}${c.customer_reference ? ` (${text(c.customer_reference)})` : ""}`);
    if (concessions.length) doc.text(`Concessions: ${concessions.join(", ")}`);
    doc.moveDown(0.3);
  }
  doc.end();
  return finished;
}

async function put(url, body) {
  const response = await fetch(url, { method: "PUT", body, headers: { "Content-Type": "application/pdf" } });
  if (!response.ok) throw new Error(`object storage answered ${response.status} to the PUT`);
}

export async function coc_render(payload, helpers) {
  const { organization_id, certificate_id } = payload;
  const { rows } = await helpers.withPgClient((client) => client.query(
    "select app_private.coc_render_begin($1, $2) as certificate", [organization_id, certificate_id]));
  const certificate = rows[0]?.certificate;
  if (!certificate) return;
  try {
    const pdf = await renderConformance(certificate);
    await put(certificate.put_url, pdf);
    const sha256 = createHash("sha256").update(pdf).digest("hex");
    await helpers.withPgClient((client) => client.query(
      "select app_private.coc_render_finish($1, $2, $3, $4, null, false)", [organization_id, certificate_id, sha256, pdf.length]));
  } catch (error) {
    const final = helpers.job.attempts >= helpers.job.max_attempts;
    await helpers.withPgClient((client) => client.query(
      "select app_private.coc_render_finish($1, $2, null, null, $3, $4)",
      [organization_id, certificate_id, String(error?.message ?? error).slice(0, 2000), final]));
    throw error;
  }
}
