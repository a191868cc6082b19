// What the GraphQL server reads from the environment (`pulse up` sets it from
// .env and cli/pulse/config.py's defaults; Settings.server_environment): the
// database it connects to, the token secret, the exposed schema and where it
// listens. The cost limits' variables are read by ./limits.mjs.

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

export const AUTHENTICATOR_URL = requiredEnv("PULSE_AUTHENTICATOR_URL");
// Where subscriptions LISTEN: a session of their own on the database itself,
// even when AUTHENTICATOR_URL goes through a transaction pool (PULSE_POOL,
// docs/scaling.md "Pooling"). Unset: the same as AUTHENTICATOR_URL.
export const LISTEN_URL = process.env.PULSE_LISTEN_URL || AUTHENTICATOR_URL;
export const JWT_SECRET = requiredEnv("PULSE_JWT_SECRET");
// PostgREST refuses secrets shorter than 32 characters; keep the two servers
// accepting the same secrets.
if (JWT_SECRET.length < 32) {
  throw new Error("PULSE_JWT_SECRET must be at least 32 characters long");
}
export const DB_SCHEMA = process.env.PULSE_DB_SCHEMA || "app";
export const PORT = Number(process.env.PULSE_GRAPHQL_PORT || 5678);
export const HOST = process.env.PULSE_SERVER_HOST || "127.0.0.1";
