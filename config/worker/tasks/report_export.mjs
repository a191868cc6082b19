// Task report_export: stores the file of one report execution.
//
// SQL decides everything: app_private.report_execution_start counts the
// attempt, runs the report as its requester (their claims and the app_user
// role, so row-level security gives them only rows they may read) and
// returns the file (RFC 4180 CSV or JSON lines) with a presigned PUT URL, or
// for a PDF the rows with the title, parameters and run time, which this task
// draws with pdfkit (renderReportPdf); nothing when the execution is no longer
// queued or running, or when the query failed (it marked the execution failed
// with the reason). This task PUTs the file to object storage and reports its sha256 and size to
// app_private.report_execution_finish. A failed upload is reported, then
// thrown, so graphile-worker retries it (max_attempts of the job, with its
// backoff); after the last attempt the execution is marked failed.
import { createHash } from "node:crypto";
import PDFDocument from "pdfkit";

function cell(value) {
  if (value === null || value === undefined) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function utc(value) {
  return value ? new Date(value).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC") : "";
}

/**
 * The PDF of a report (what report_execution_start returned for format pdf), as a Buffer: the report's
 * name, its parameters, when it was requested and run, then its rows as a table in column order, paged
 * with the header row repeated at the top of every page, the row count after the last row, and
 * "Page n of m" at the foot of each page. A value too long for its column is cut with an ellipsis.
 */
export function renderReportPdf(report) {
  const doc = new PDFDocument({
    size: "A4", layout: "landscape", margin: 40, bufferPages: true,
    info: { Title: cell(report.title), Subject: "Pulse report", Producer: "Pulse" },
  });
  const chunks = [];
  doc.on("data", (chunk) => chunks.push(chunk));
  const finished = new Promise((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const bottom = () => doc.page.height - doc.page.margins.bottom - 20;
  const columns = report.columns ?? [];
  const columnWidth = width / Math.max(columns.length, 1);
  const rowHeight = 16;

  doc.font("Helvetica-Bold").fontSize(16).text(cell(report.title), { width });
  doc.font("Helvetica").fontSize(9).moveDown(0.3);
  const parameters = Object.entries(report.parameters ?? {});
  doc.text(`Parameters: ${parameters.length ? parameters.map(([k, v]) => `${k} = ${cell(v)}`).join(", ") : "none"}`, { width });
  doc.text(`Requested ${utc(report.requested_at)}, run ${utc(report.run_at)}`, { width });
  doc.moveDown(0.6);

  const line = (values, bold) => {
    const y = doc.y;
    doc.font(bold ? "Helvetica-Bold" : "Helvetica").fontSize(8);
    values.forEach((value, i) => {
      doc.text(cell(value), left + i * columnWidth + 2, y + 4, { width: columnWidth - 4, height: rowHeight - 4, ellipsis: true, lineBreak: false });
    });
    doc.moveTo(left, y + rowHeight).lineTo(left + width, y + rowHeight).lineWidth(bold ? 0.8 : 0.3).stroke();
    doc.x = left;
    doc.y = y + rowHeight;
  };
  const header = () => line(columns, true);
  header();
  for (const row of report.rows ?? []) {
    if (doc.y + rowHeight > bottom()) {
      doc.addPage();
      header();
    }
    line(columns.map((column) => row[column]), false);
  }
  doc.moveDown(0.6);
  doc.font("Helvetica").fontSize(9).text(`${report.row_count} row${report.row_count === 1 ? "" : "s"}`, left, doc.y, { width });

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i += 1) {
    doc.switchToPage(i);
    doc.font("Helvetica").fontSize(8).text(`Page ${i + 1} of ${range.count}`, left, doc.page.height - doc.page.margins.bottom - 10,
      { width, align: "right", lineBreak: false });
  }
  doc.end();
  return finished;
}

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
    const body = report.format === "pdf" ? await renderReportPdf(report) : Buffer.from(report.body, "utf8");
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
