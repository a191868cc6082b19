// Task webhook_deliver: one HTTP attempt of one webhook delivery.
//
// SQL decides everything: app_private.webhook_attempt_begin returns the
// request (URL, signed headers, body, limits) or nothing when the delivery is
// no longer due; this task POSTs it and reports what happened to
// app_private.webhook_attempt_finish, which records the attempt and marks the
// delivery delivered, schedules the next attempt, or dead-letters it.
//
// Destinations (SSRF): the host name is resolved when connecting, and an
// address that is private, loopback, link-local, CGNAT, multicast or
// unspecified is refused unless it lies in PULSE_WEBHOOK_ALLOWED_PRIVATE_NETWORKS
// (comma-separated CIDRs; `pulse` sets 127.0.0.0/8,::1/128 for local
// development, an empty value refuses them all). Checking the address actually
// connected to, not the name, also defeats DNS rebinding. Redirects are not
// followed (a 3xx is a failed attempt).
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";

const PRIVATE = [
  ["0.0.0.0", 8, "ipv4"], ["10.0.0.0", 8, "ipv4"], ["100.64.0.0", 10, "ipv4"], ["127.0.0.0", 8, "ipv4"],
  ["169.254.0.0", 16, "ipv4"], ["172.16.0.0", 12, "ipv4"], ["192.0.0.0", 24, "ipv4"], ["192.168.0.0", 16, "ipv4"],
  ["198.18.0.0", 15, "ipv4"], ["224.0.0.0", 4, "ipv4"], ["240.0.0.0", 4, "ipv4"],
  ["::", 128, "ipv6"], ["::1", 128, "ipv6"], ["fc00::", 7, "ipv6"], ["fe80::", 10, "ipv6"], ["ff00::", 8, "ipv6"],
  // IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are checked as their IPv4 address by net.BlockList.
];

export function blockList(subnets) {
  const list = new net.BlockList();
  for (const [address, prefix, family] of subnets) list.addSubnet(address, prefix, family);
  return list;
}

export function parseNetworks(text) {
  return (text ?? "").split(",").map((cidr) => cidr.trim()).filter(Boolean).map((cidr) => {
    const [address, prefix] = cidr.split("/");
    const family = net.isIPv6(address) ? "ipv6" : "ipv4";
    if (!net.isIP(address)) throw new Error(`PULSE_WEBHOOK_ALLOWED_PRIVATE_NETWORKS: ${cidr} is not a CIDR`);
    return [address, Number(prefix ?? (family === "ipv6" ? 128 : 32)), family];
  });
}

const privateNetworks = blockList(PRIVATE);
const allowedNetworks = blockList(parseNetworks(process.env.PULSE_WEBHOOK_ALLOWED_PRIVATE_NETWORKS));

/** Whether the worker may connect to `address` (an IP literal). */
export function destinationAllowed(address, family) {
  const type = family === 6 || family === "IPv6" || net.isIPv6(address) ? "ipv6" : "ipv4";
  return !privateNetworks.check(address, type) || allowedNetworks.check(address, type);
}

function guardedLookup(hostname, options, callback) {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error);
    const refused = addresses.find(({ address, family }) => !destinationAllowed(address, family));
    if (refused) {
      return callback(Object.assign(new Error(`destination refused: ${hostname} resolves to the private address ${refused.address}`),
                                    { code: "PULSE_DESTINATION_REFUSED" }));
    }
    if (options.all) return callback(null, addresses);
    return callback(null, addresses[0].address, addresses[0].family);
  });
}

/** POST once; resolves to {status, excerpt, error} and never throws for an HTTP-level failure. */
export function post(request) {
  const url = new URL(request.url);
  const client = url.protocol === "https:" ? https : http;
  const body = Buffer.from(request.body, "utf8");
  return new Promise((resolve) => {
    let settled = false;
    let timedOut = false;
    const finish = (outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // A timeout after the status line arrived is still a timeout: the answer was not read in time.
      resolve(timedOut ? { ...outcome, error: `no answer within ${request.timeout_ms} ms` } : outcome);
    };
    const req = client.request(url, {
      method: "POST",
      headers: { ...request.headers, "Content-Length": String(body.length) },
      lookup: guardedLookup,  // a host name; an IP literal skips it and is checked below
      agent: false,
    }, (res) => {
      const chunks = [];
      let size = 0;
      res.on("data", (chunk) => {
        if (size < request.max_response_bytes) chunks.push(chunk.subarray(0, request.max_response_bytes - size));
        size += chunk.length;
        if (size >= request.max_response_bytes) res.destroy();
      });
      const done = () => {
        const excerpt = Buffer.concat(chunks).toString("utf8").slice(0, 1000);
        const redirect = res.statusCode >= 300 && res.statusCode < 400
          ? `redirect to ${res.headers.location ?? "nowhere"} not followed` : null;
        finish({ status: res.statusCode, excerpt, error: redirect });
      };
      res.on("end", done);
      res.on("close", done);
      res.on("error", done);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(Object.assign(new Error(`no answer within ${request.timeout_ms} ms`), { code: "PULSE_TIMEOUT" }));
    }, request.timeout_ms);
    req.on("error", (error) => finish({ status: null, excerpt: null, error: error.message || error.code || String(error) }));
    if (net.isIP(url.hostname.replace(/^\[|\]$/g, "")) && !destinationAllowed(url.hostname.replace(/^\[|\]$/g, ""))) {
      req.destroy(new Error(`destination refused: ${url.hostname} is a private address`));
      return;
    }
    req.end(body);
  });
}

export async function webhook_deliver(payload, helpers) {
  const { organization_id, delivery_id } = payload;
  const { rows } = await helpers.withPgClient((client) => client.query(
    "select url, headers, body, timeout_ms, max_response_bytes, attempt_number"
    + " from app_private.webhook_attempt_begin($1, $2)", [organization_id, delivery_id]));
  if (rows.length === 0) return;
  const request = rows[0];
  const started = process.hrtime.bigint();
  const outcome = await post(request);
  const durationMs = Number((process.hrtime.bigint() - started) / 1000000n);
  await helpers.withPgClient((client) => client.query(
    "select app_private.webhook_attempt_finish($1, $2, $3, $4, $5, $6, $7)",
    [organization_id, delivery_id, request.attempt_number, outcome.status, durationMs,
     outcome.error, outcome.excerpt]));
}
