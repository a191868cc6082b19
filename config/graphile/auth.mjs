// Who is asking: token verification and the settings every operation runs
// with (role, claims, forwarded headers, statement timeout), for HTTP and
// websockets alike, and the request check both servers make before an
// operation (auth.check_request(): a suspended user, an ended session or a
// revoked membership is refused with 401/403). Mirrors PostgREST 12.
import jwt from "jsonwebtoken";
import { normalizeConnectionParams } from "postgraphile/grafserv";
import { requestError } from "./errors.mjs";
import { asksForIntrospection, LIMITS } from "./limits.mjs";
import { JWT_SECRET } from "./settings.mjs";

export const ANON_ROLE = "anon";
// Roles a token may select. Checked here (not just by SET ROLE failing in
// PostgreSQL) so a bad role is a clean 403 rather than a per-field error, and
// so a role granted to `authenticator` for other reasons is never reachable
// from a token. Add new JWT roles here as well as granting them.
const JWT_ROLES = new Set([ANON_ROLE, "app_user", "app_admin"]);
// Clock skew allowed on exp/nbf, as PostgREST allows.
export const JWT_CLOCK_TOLERANCE = 30;

// Verified tokens and the settings they give, as PostgREST's
// jwt-cache-max-lifetime keeps them: a token's signature and claims never
// change, so verifying it again on every request (HMAC, JSON parsing and
// writing) buys nothing. Only what cannot be revoked is kept here: whether
// the user, session and membership are still active is asked of the
// database on every request (checkRequest). An entry is used until its exp
// (with the same clock tolerance as jwt.verify); tokens without exp are kept
// for at most TOKEN_CACHE_MAX_AGE. Refused tokens are not kept.
const TOKEN_CACHE_SIZE = 10_000;
const TOKEN_CACHE_MAX_AGE = 3600;
const verifiedTokens = new Map();

function tokenSettings(token) {
  const now = Date.now() / 1000;
  const cached = verifiedTokens.get(token);
  if (cached !== undefined && now <= cached.until) return cached.settings;
  let claims;
  try {
    claims = jwt.verify(token, JWT_SECRET, {
      algorithms: ["HS256"],
      clockTolerance: JWT_CLOCK_TOLERANCE,
    });
  } catch (e) {
    verifiedTokens.delete(token);
    const reason =
      e.name === "TokenExpiredError" ? "JWT expired" : `JWT invalid: ${e.message}`;
    throw requestError(401, "PGRST301", reason);
  }
  if (claims === null || typeof claims !== "object" || Array.isArray(claims)) {
    throw requestError(401, "PGRST301", "JWT invalid: payload is not a JSON object");
  }
  const until = Math.min(
    now + TOKEN_CACHE_MAX_AGE,
    typeof claims.exp === "number" ? claims.exp + JWT_CLOCK_TOLERANCE : Infinity,
  );
  const settings = claimSettings(claims);
  if (verifiedTokens.size >= TOKEN_CACHE_SIZE) verifiedTokens.clear();
  verifiedTokens.set(token, { settings: Object.freeze(settings), until });
  return settings;
}

// Mirrors PostgREST 12 (src/PostgREST/Auth.hs): no token -> anon with claims
// {"role":"anon"}; a token without `role` -> anon; the effective role is
// always written back into the claims; 30s clock skew on exp/nbf; `aud` is
// not checked; an empty or non-Bearer Authorization header means no token.
function authenticate(authorization = "") {
  const scheme = /^bearer(\s+|$)/i.exec(authorization);
  const token = scheme ? authorization.slice(scheme[0].length).trim() : "";
  return token ? tokenSettings(token) : claimSettings({});
}

// The role and the claims setting of verified claims.
function claimSettings(claims) {
  const role = claims.role ?? ANON_ROLE;
  if (typeof role !== "string" || !JWT_ROLES.has(role)) {
    throw requestError(403, "42501", `JWT role ${JSON.stringify(role)} is not permitted`);
  }
  return { role, "request.jwt.claims": JSON.stringify({ ...claims, role }) };
}

// The verified claims an operation runs with.
export function claimsOf(pgSettings) {
  try {
    return JSON.parse(pgSettings?.["request.jwt.claims"] ?? "{}") ?? {};
  } catch {
    return {};
  }
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
  return {
    ...pgSettings,
    "request.headers": JSON.stringify(forwarded),
    // What PostgREST applies from the API role's own setting.
    statement_timeout: LIMITS.statementTimeout,
  };
}

// Anonymous callers see no schema: introspection needs a signed-in user
// (GraphiQL works once its Authorization header is set).
function refuseAnonymousIntrospection(pgSettings, body) {
  if (pgSettings.role === ANON_ROLE && asksForIntrospection(body?.query)) {
    throw requestError(
      401,
      "PT401",
      "introspection needs a signed-in user: send Authorization: Bearer <token>",
    );
  }
}

// Websocket operations take the token from connection_init's payload
// ({ authorization: "Bearer ..." }) or else from the upgrade request's
// Authorization header, and go through the same verification as HTTP.
function websocketSettings(connectionParams, request) {
  const params = normalizeConnectionParams(connectionParams) ?? {};
  const authorization = params.authorization ?? request?.headers?.authorization;
  return requestSettings({
    ...request?.headers,
    authorization: typeof authorization === "string" ? authorization : undefined,
  });
}

// The same check PostgREST runs before every request (db-pre-request): a
// suspended user, an ended session or a revoked membership is refused with
// 401/403, not deep inside the operation. For HTTP it runs in the
// operation's own transaction, in the message that opens it (adaptor.mjs);
// its verdict is kept per request (the operation's settings object) and
// AuthPlugin answers a refusal with its status, whatever the operation did
// with the error. Websocket operations, and HTTP operations that never
// reached the database, are checked on their own (checkRequest).
const REQUEST_CHECK_STATUS = { PT401: 401, PT403: 403 };
// Connection failures (refused, reset, server shutting down): the database
// is away, as PostgREST reports with 503, not the client's fault.
const DATABASE_AWAY = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|08|57P)/;

// The statement that checks a request, run after its settings; none for
// anonymous callers.
export function requestCheckStatement(pgSettings) {
  return pgSettings.role === ANON_ROLE ? null : "select auth.check_request()";
}

// true once the check passed for these settings, or the error that refused
// them (or that kept the operation from the database); a refusal stays.
const requestVerdicts = new WeakMap();

export function recordRequestVerdict(pgSettings, verdict) {
  if (!(requestVerdicts.get(pgSettings) instanceof Error)) requestVerdicts.set(pgSettings, verdict);
}

// The check on its own connection, in one round trip: the settings and the
// check go as one simple-protocol message, which PostgreSQL runs as one
// (implicit) transaction, so the role and claims set for it are gone when it
// ends; the check's name is resolved after the role is set (authenticator
// itself may not use auth).
async function checkRequest(resolvedPreset, pgSettings) {
  if (pgSettings.role === ANON_ROLE) return;
  // Shares the server's own pool (the one PostGraphile runs operations on).
  let client;
  try {
    client = await resolvedPreset.pgServices[0].adaptorSettings.pool.connect();
  } catch (e) {
    throw requestCheckError(e);
  }
  try {
    await client.query(
      `select pg_catalog.set_config('role', ${client.escapeLiteral(pgSettings.role)}, true),
              pg_catalog.set_config('request.jwt.claims', ${client.escapeLiteral(pgSettings["request.jwt.claims"])}, true);
       ${requestCheckStatement(pgSettings)}`,
    );
  } catch (e) {
    // A connection the server closed (a restart) must not go back to the pool.
    client.release(connectionLost(e) ? e : undefined);
    throw requestCheckError(e);
  }
  client.release();
}

// node-postgres reports a connection closed under it without a SQLSTATE.
const CONNECTION_LOST = /^(Connection terminated|Client has encountered a connection error)/;

function connectionLost(e) {
  return DATABASE_AWAY.test(e.code ?? "") || (!e.code && CONNECTION_LOST.test(e.message ?? ""));
}

// What a failed auth.check_request() (or the database being away) means for
// the client: 401/403/503 with PostgREST's codes and the reason code in
// details; anything else as it is.
export function requestCheckError(e) {
  if (connectionLost(e)) {
    return requestError(503, "PGRST001", "the database is not reachable; try again shortly");
  }
  if (e.code === "57014") {
    return requestError(503, "57014", "the request check ran past the statement timeout; try again shortly");
  }
  const status = REQUEST_CHECK_STATUS[e.code];
  return status ? requestError(status, e.code, e.message, e.detail) : e;
}

const $$pgSettings = Symbol("pulsePgSettings");

function bearerChallenge(message) {
  return `Bearer error="invalid_token", error_description=${JSON.stringify(message)}`;
}

// The response to a request the check refused: the same body and status a
// refusal thrown from a grafserv hook gets, whatever the operation answered.
function refusalResult(result, refusal) {
  const { statusCode } = refusal.extensions;
  const buffer = Buffer.from(JSON.stringify({ errors: [{ message: refusal.message, extensions: refusal.extensions }] }));
  const headers = {
    ...result?.headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": String(buffer.length),
    ...(statusCode === 401 ? { "www-authenticate": bearerChallenge(refusal.message) } : {}),
  };
  delete headers["transfer-encoding"];
  return { type: "buffer", statusCode, headers, buffer };
}

// Authenticates GraphQL operations: the token before the operation runs (a
// SafeError thrown from processGraphQLRequestBody becomes a clean JSON
// response with extensions.statusCode as its status, whereas one thrown from
// the context callback is also logged with a full stack trace by grafserv),
// and the request check's verdict once it has run.
export const AuthPlugin = {
  name: "PulseAuthPlugin",
  version: "1.0.0",
  grafserv: {
    middleware: {
      async processGraphQLRequestBody(next, { request, graphqlWsContext, resolvedPreset, body }) {
        if (graphqlWsContext) {
          // A websocket operation (query, mutation or subscription): refused
          // with an `error` message before it starts, as HTTP would be.
          const pgSettings = websocketSettings(graphqlWsContext.connectionParams, graphqlWsContext.extra?.request);
          refuseAnonymousIntrospection(pgSettings, body);
          await checkRequest(resolvedPreset, pgSettings);
        } else if (request) {
          try {
            request[$$pgSettings] = requestSettings(request.headers);
          } catch (e) {
            if (e.statusCode === 401) {
              request.requestContext.node?.res?.setHeader("WWW-Authenticate", bearerChallenge(e.message));
            }
            throw e;
          }
          refuseAnonymousIntrospection(request[$$pgSettings], body);
        }
        return next();
      },
      async processRequest(next, { requestDigest, resolvedPreset }) {
        const result = await next();
        const pgSettings = requestDigest?.[$$pgSettings];
        if (pgSettings === undefined) return result;
        let verdict = requestVerdicts.get(pgSettings);
        if (verdict === undefined && pgSettings.role !== ANON_ROLE) {
          // The operation never reached the database ({ __typename },
          // introspection): the token's holder must still be allowed.
          verdict = await checkRequest(resolvedPreset, pgSettings).then(() => true, (e) => e);
        }
        if (!(verdict instanceof Error)) return result;
        const refusal = requestCheckError(verdict);
        return refusal.extensions?.statusCode ? refusalResult(result, refusal) : result;
      },
    },
  },
};

// The grafast context of every operation: its pgSettings. HTTP requests were
// authenticated by AuthPlugin; websocket operations take the token from
// connection_init's payload ({ authorization: "Bearer ..." }) or the
// upgrade request's headers.
export function authContext(requestContext) {
  const { http, ws } = requestContext;
  const pgSettings =
    http?.[$$pgSettings] ??
    (http
      ? requestSettings(http.headers)
      : websocketSettings(ws?.connectionParams, ws?.request));
  return { pgSettings };
}
