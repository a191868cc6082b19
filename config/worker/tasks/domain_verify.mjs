// Task domain_verify: one DNS lookup of a tenant's domain verification record.
//
// SQL decides (db/functions/50_platform/65_domain_verification.sql):
// app_private.domain_check_begin names the domain and the record to look up
// (_pulse-verification.<domain>), or nothing when the tenant has no domain
// any more; this task resolves its TXT values with node's DNS resolver and
// reports them (or the DNS error code) to app_private.record_domain_check,
// which marks the domain verified or records why not.
//
// Environment:
//   PULSE_DNS_RESOLVER  comma-separated DNS servers to ask (192.0.2.53,
//                       [2001:db8::53]:5353, 127.0.0.1:5353); empty: the
//                       system's resolvers (/etc/resolv.conf)
import { Resolver } from "node:dns/promises";

export function resolver() {
  const dns = new Resolver({ timeout: 3000, tries: 2 });
  const servers = (process.env.PULSE_DNS_RESOLVER ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (servers.length > 0) dns.setServers(servers);
  return dns;
}

export async function domain_verify(payload, helpers) {
  const { organization_id } = payload;
  const { rows } = await helpers.withPgClient((client) => client.query(
    "select domain, record_name from app_private.domain_check_begin($1)", [organization_id]));
  if (rows.length === 0) return;
  const { domain, record_name } = rows[0];
  let values = [];
  let error = null;
  try {
    // A TXT record is one or more strings; their concatenation is its value (RFC 7208 3.3 does the same).
    values = (await resolver().resolveTxt(record_name)).map((strings) => strings.join(""));
  } catch (failure) {
    error = failure.code ?? String(failure.message ?? failure);
  }
  const { rows: outcome } = await helpers.withPgClient((client) => client.query(
    "select app_private.record_domain_check($1, $2, $3, $4) as outcome", [organization_id, domain, values, error]));
  helpers.logger.info(`domain ${domain}: ${outcome[0].outcome}`);
}
