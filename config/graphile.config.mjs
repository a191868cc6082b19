// PostGraphile 5 preset for Pulse. Used by config/graphql-server.mjs (the
// supported entry point), by config/print-schema.mjs, and it also works with
// the stock CLI: `postgraphile -C config/graphile.config.mjs`.
import jwt from "jsonwebtoken";
import { makePgAdaptorWithPgClient, makePgService } from "postgraphile/adaptors/pg";
import { SafeError } from "postgraphile/grafast";
import { defaultMaskError } from "postgraphile/grafserv";
import { GraphQLError } from "postgraphile/graphql";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { PgSimplifyInflectionPreset } from "@graphile/simplify-inflection";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

const AUTHENTICATOR_URL = requiredEnv("PULSE_AUTHENTICATOR_URL");
const JWT_SECRET = requiredEnv("PULSE_JWT_SECRET");
// PostgREST refuses secrets shorter than 32 characters; keep the two servers
// accepting the same secrets.
if (JWT_SECRET.length < 32) {
  throw new Error("PULSE_JWT_SECRET must be at least 32 characters long");
}
const DB_SCHEMA = process.env.PULSE_DB_SCHEMA || "app";
const PORT = Number(process.env.PULSE_GRAPHQL_PORT || 5678);
const HOST = process.env.PULSE_SERVER_HOST || "127.0.0.1";

const ANON_ROLE = "anon";
// Roles a token may select. Checked here (not just by SET ROLE failing in
// PostgreSQL) so a bad role is a clean 403 rather than a per-field error, and
// so a role granted to `authenticator` for other reasons is never reachable
// from a token. Add new JWT roles here as well as granting them.
const JWT_ROLES = new Set([ANON_ROLE, "app_user", "app_admin"]);

// SafeError: the message is shown to the client (not masked). grafserv uses
// extensions.statusCode as the HTTP status when thrown from a grafserv hook,
// and the `statusCode` property when thrown from the grafast context callback.
function requestError(statusCode, code, message) {
  const error = new SafeError(message, { statusCode, code });
  error.statusCode = statusCode;
  return error;
}

// Mirrors PostgREST 12 (src/PostgREST/Auth.hs): no token -> anon with claims
// {"role":"anon"}; a token without `role` -> anon; the effective role is
// always written back into the claims; 30s clock skew on exp/nbf; `aud` is
// not checked; an empty or non-Bearer Authorization header means no token.
function authenticate(authorization = "") {
  const scheme = /^bearer(\s+|$)/i.exec(authorization);
  const token = scheme ? authorization.slice(scheme[0].length).trim() : "";
  let claims = {};
  if (token) {
    try {
      claims = jwt.verify(token, JWT_SECRET, {
        algorithms: ["HS256"],
        clockTolerance: 30,
      });
    } catch (e) {
      const reason =
        e.name === "TokenExpiredError" ? "JWT expired" : `JWT invalid: ${e.message}`;
      throw requestError(401, "PGRST301", reason);
    }
    if (claims === null || typeof claims !== "object" || Array.isArray(claims)) {
      throw requestError(401, "PGRST301", "JWT invalid: payload is not a JSON object");
    }
  }
  const role = claims.role ?? ANON_ROLE;
  if (typeof role !== "string" || !JWT_ROLES.has(role)) {
    throw requestError(403, "42501", `JWT role ${JSON.stringify(role)} is not permitted`);
  }
  return { role, "request.jwt.claims": JSON.stringify({ ...claims, role }) };
}

// SQLSTATE classes that mean "the infrastructure broke", not "the request was
// refused": connection (08), resources (53), operator intervention (57),
// system (58), config file (F0), internal (XX). These stay masked.
const INTERNAL_SQLSTATE = /^(08|53|57|58|F0|XX)/;

// @dataplan/pg reports an update or delete that matched no row (missing, or
// hidden by RLS) as a plain Error; it is the client's "not found", not ours.
const NOTHING_MATCHED = /^No values were (updated|deleted) in collection /;

function maskError(error) {
  if (NOTHING_MATCHED.test(error.originalError?.message ?? "")) {
    return new GraphQLError(error.originalError.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      originalError: error.originalError,
      extensions: { code: "PT404", details: null, hint: "The row does not exist or is not yours to change." },
    });
  }
  const pgError = error.originalError;
  if (
    pgError &&
    typeof pgError.severity === "string" &&
    /^[0-9A-Z]{5}$/.test(pgError.code ?? "") &&
    !INTERNAL_SQLSTATE.test(pgError.code)
  ) {
    // Same fields (and names) as PostgREST's error body.
    return new GraphQLError(pgError.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      originalError: pgError,
      extensions: {
        code: pgError.code,
        details: pgError.detail ?? null,
        hint: pgError.hint ?? null,
      },
    });
  }
  return defaultMaskError(error);
}

// The request headers SQL may read (request id, client address, user agent
// for the audit trail and sessions), under the same setting and names
// PostgREST uses.
const FORWARDED_HEADERS = ["x-request-id", "x-forwarded-for", "user-agent"];

function requestSettings(headers = {}) {
  const pgSettings = authenticate(headers.authorization);
  const forwarded = {};
  for (const name of FORWARDED_HEADERS) {
    if (typeof headers[name] === "string") forwarded[name] = headers[name];
  }
  return { ...pgSettings, "request.headers": JSON.stringify(forwarded) };
}

const $$pgSettings = Symbol("pulsePgSettings");

// Authenticates HTTP GraphQL requests before the context callback runs: a
// SafeError thrown here becomes a clean JSON response (status from
// extensions.statusCode), whereas one thrown from the context callback is
// also logged with a full stack trace by grafserv.
const AuthPlugin = {
  name: "PulseAuthPlugin",
  version: "1.0.0",
  grafserv: {
    middleware: {
      async processGraphQLRequestBody(next, { request, resolvedPreset }) {
        if (request) {
          try {
            const pgSettings = requestSettings(request.headers);
            await checkRequest(resolvedPreset, pgSettings);
            request[$$pgSettings] = pgSettings;
          } catch (e) {
            if (e.statusCode === 401) {
              request.requestContext.node?.res?.setHeader(
                "WWW-Authenticate",
                `Bearer error="invalid_token", error_description=${JSON.stringify(e.message)}`,
              );
            }
            throw e;
          }
        }
        return next();
      },
    },
  },
};

// The same check PostgREST runs before every request (db-pre-request): a
// suspended user, an ended session or a revoked membership is refused with
// 401/403 before the operation runs, not deep inside it.
const REQUEST_CHECK_STATUS = { PT401: 401, PT403: 403 };
// Connection failures (refused, reset, server shutting down): the database
// is away, as PostgREST reports with 503, not the client's fault.
const DATABASE_AWAY = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|08|57P)/;

let withRequestCheckClient;

async function checkRequest(resolvedPreset, pgSettings) {
  if (pgSettings.role === ANON_ROLE) return;
  // Shares the server's own pool (the one PostGraphile runs operations on).
  withRequestCheckClient ??= makePgAdaptorWithPgClient(
    resolvedPreset.pgServices[0].adaptorSettings.pool,
  );
  try {
    await withRequestCheckClient(pgSettings, (client) =>
      client.query({ text: "select auth.check_request()" }),
    );
  } catch (e) {
    if (DATABASE_AWAY.test(e.code ?? "")) {
      throw requestError(503, "PGRST001", "the database is not reachable; try again shortly");
    }
    const status = REQUEST_CHECK_STATUS[e.code];
    if (!status) throw e;
    throw requestError(status, e.code, e.message);
  }
}

// GET /health: 200 once the schema is built, 503 before (or if it failed).
const HealthPlugin = {
  name: "PulseHealthPlugin",
  version: "1.0.0",
  grafserv: {
    middleware: {
      processRequest(next, { requestDigest, instance }) {
        if (requestDigest.path !== "/health") return next();
        const schema = instance.getSchema();
        const ready = schema != null && typeof schema.then !== "function";
        return {
          type: "buffer",
          statusCode: ready ? 200 : 503,
          headers: { "content-type": "application/json", "cache-control": "no-store" },
          buffer: Buffer.from(JSON.stringify({ status: ready ? "ok" : "starting" })),
        };
      },
    },
  },
};

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [
    PostGraphileAmberPreset,
    PgSimplifyInflectionPreset,
    PostGraphileConnectionFilterPreset,
  ],
  plugins: [AuthPlugin, HealthPlugin],
  // PgRBACPlugin (part of the amber preset, i.e. V4's `ignoreRBAC: false`)
  // stays enabled. LISTEN/NOTIFY subscriptions run on this pool as
  // authenticator; only watch mode would need a superuser connection.
  pgServices: [
    makePgService({ connectionString: AUTHENTICATOR_URL, schemas: [DB_SCHEMA] }),
  ],
  schema: {
    // V4's `setofFunctionsContainNulls: false`
    pgForbidSetofFunctionsToReturnNull: true,
    // `filter: null` and `filter: {}` mean "no filter", as `condition: null`
    // does; otherwise the plugin throws an error that has to be masked.
    connectionFilterAllowNullInput: true,
    connectionFilterAllowEmptyObjectInput: true,
  },
  grafast: {
    context(requestContext) {
      const { http, ws } = requestContext;
      // HTTP requests were authenticated by PulseAuthPlugin; websocket
      // operations take the token from connection_init's payload
      // ({ authorization: "Bearer ..." }) or the upgrade request's headers.
      const pgSettings =
        http?.[$$pgSettings] ??
        (http
          ? requestSettings(http.headers)
          : requestSettings({
              ...ws?.request?.headers,
              authorization:
                ws?.normalizedConnectionParams?.authorization ?? ws?.request?.headers.authorization,
            }));
      return { pgSettings };
    },
  },
  grafserv: {
    port: PORT,
    host: HOST,
    graphqlPath: "/graphql",
    graphiql: true,
    graphiqlPath: "/graphiql",
    websockets: true,
    maskError,
  },
};

export default preset;
