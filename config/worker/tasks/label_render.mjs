// Task label_render: draws one label's barcode as a PNG with bwip-js.
//
// SQL decides everything: app_private.label_render_begin counts the attempt
// and returns the element string computed in SQL (84_logistics/10_gs1.sql),
// the symbology and a presigned PUT URL, or nothing when the label is no
// longer queued. This task draws the barcode (GS1-128, or a GS1 QR code),
// PUTs the PNG and reports its sha256 and size to app_private.label_render_finish.
// A failed attempt is reported, then thrown, so graphile-worker retries it;
// after the last attempt the label is marked failed.
import { createHash } from "node:crypto";
import bwipjs from "bwip-js";

/**
 * The barcode's size in millimetres on a label of width_mm x height_mm (the tenant's setting
 * shipment_label_format, 102 x 152 by default): a GS1-128 symbol 90 % of the width and a quarter of the
 * height, a QR code 60 % of the shorter side.
 */
export function barcodeSize(label) {
  const width = label.width_mm ?? 102;
  const height = label.height_mm ?? 152;
  if (label.symbology === "qr") {
    const side = Math.max(10, Math.round(Math.min(width, height) * 0.6));
    return { width: side, height: side };
  }
  return { width: Math.round(width * 0.9), height: Math.max(10, Math.round(height * 0.25)) };
}

// bwip-js draws at 72 dpi times the scale: 216 dpi, a module a whole number of pixels (so the
// symbol is at most the size asked, rounded down to whole modules).
const SCALE = 3;
export const LABEL_DPI = 72 * SCALE;

/**
 * The PNG of a label (what label_render_begin returned), as a Buffer. Its pHYs chunk records the
 * resolution (LABEL_DPI), so the image prints at the size the setting asks for, not at a printer's guess.
 */
export function renderLabel(label) {
  const qr = label.symbology === "qr";
  return bwipjs.toBuffer({
    bcid: qr ? "gs1qrcode" : "gs1-128",
    // bwip-js reads GS1 data in the human-readable form, AIs in parentheses, and inserts FNC1 itself.
    text: label.element_string,
    scale: SCALE,
    dpi: LABEL_DPI,
    ...barcodeSize(label),
    ...(qr ? {} : { includetext: true, textxalign: "center" }),
  });
}

async function put(url, body) {
  const response = await fetch(url, { method: "PUT", body, headers: { "Content-Type": "image/png" } });
  if (!response.ok) throw new Error(`object storage answered ${response.status} to the PUT`);
}

export async function label_render(payload, helpers) {
  const { organization_id, label_id } = payload;
  const { rows } = await helpers.withPgClient((client) => client.query(
    "select app_private.label_render_begin($1, $2) as label", [organization_id, label_id]));
  const label = rows[0]?.label;
  if (!label) return;
  try {
    const png = await renderLabel(label);
    await put(label.put_url, png);
    const sha256 = createHash("sha256").update(png).digest("hex");
    await helpers.withPgClient((client) => client.query(
      "select app_private.label_render_finish($1, $2, $3, $4, null, false)", [organization_id, label_id, sha256, png.length]));
  } catch (error) {
    const final = helpers.job.attempts >= helpers.job.max_attempts;
    await helpers.withPgClient((client) => client.query(
      "select app_private.label_render_finish($1, $2, null, null, $3, $4)",
      [organization_id, label_id, String(error?.message ?? error).slice(0, 2000), final]));
    throw error;
  }
}
