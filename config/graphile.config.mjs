// PostGraphile 5 preset for Pulse. Used by config/graphql-server.mjs (the
// supported entry point), by config/print-schema.mjs, and it also works with
// the stock CLI: `postgraphile -C config/graphile.config.mjs`.
import jwt from "jsonwebtoken";
import { makePgAdaptorWithPgClient, makePgService } from "postgraphile/adaptors/pg";
import { access, context, lambda, list, listen, object, SafeError } from "postgraphile/grafast";
import { defaultMaskError, normalizeConnectionParams } from "postgraphile/grafserv";
import { getOperationAST, GraphQLError } from "postgraphile/graphql";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { extendSchema, gql, wrapPlans } from "postgraphile/utils";
import { PgSimplifyInflectionPreset } from "@graphile/simplify-inflection";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";
import { NullableArgumentsPlugin, TagsFilePlugin, TenantKeysPlugin, UpdateNotFoundPlugin } from "./graphql-shape.mjs";
import { asksForIntrospection, CostLimitsRule, LIMITS, PageSizePlugin } from "./limits.mjs";

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
// system (58), config file (F0), internal (XX). These stay masked, except
// 57014 (query_canceled): the statement timeout that bounds every request
// is the client's to know about.
const INTERNAL_SQLSTATE = /^(08|53|57(?!014)|58|F0|XX)/;
const STATEMENT_TIMEOUT_HINT = `A request's statements may run for at most ${LIMITS.statementTimeout} (PULSE_GRAPHQL_STATEMENT_TIMEOUT); ask for less, or page through it.`;

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
        hint: pgError.hint ?? (pgError.code === "57014" ? STATEMENT_TIMEOUT_HINT : null),
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
      // The cost limits (config/limits.mjs) join graphql-js's own rules.
      setPreset(next, event) {
        event.validationRules.push(CostLimitsRule);
        return next();
      },
      async processGraphQLRequestBody(next, { request, graphqlWsContext, resolvedPreset, body }) {
        if (graphqlWsContext) {
          // A websocket operation (query, mutation or subscription): refused
          // with an `error` message before it starts, as HTTP would be.
          const pgSettings = websocketSettings(graphqlWsContext.connectionParams, graphqlWsContext.extra?.request);
          refuseAnonymousIntrospection(pgSettings, body);
          await checkRequest(resolvedPreset, pgSettings);
        } else if (request) {
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
          refuseAnonymousIntrospection(request[$$pgSettings], body);
        }
        return next();
      },
      // A subscription an anonymous caller (or a token without a tenant)
      // starts is refused with an `error` message, before anything listens.
      // (The subscribe plans refuse it too, for any other transport.)
      async onSubscribe(next) {
        const args = await next();
        if (args && !Array.isArray(args)) {
          const operation = getOperationAST(args.document, args.operationName);
          if (operation?.operation === "subscription") {
            try {
              subscriberOrganization(args.contextValue?.pgSettings);
            } catch (e) {
              return [new GraphQLError(e.message, { originalError: e })];
            }
          }
        }
        return args;
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
    throw requestCheckError(e);
  }
}

// What a failed auth.check_request() (or the database being away) means for
// the client: 401/403/503 with PostgREST's codes; anything else as it is.
function requestCheckError(e) {
  if (DATABASE_AWAY.test(e.code ?? "")) {
    return requestError(503, "PGRST001", "the database is not reachable; try again shortly");
  }
  if (e.code === "57014") {
    return requestError(503, "57014", "the request check ran past the statement timeout; try again shortly");
  }
  const status = REQUEST_CHECK_STATUS[e.code];
  return status ? requestError(status, e.code, e.message) : e;
}

// ---------------------------------------------------------------------------
// Real-time events (GraphQL subscriptions over graphql-transport-ws).
//
// db/functions/60_workflow/60_events.sql NOTIFYs one channel per tenant and topic,
// pulse:<topic>:<organization id>, with the payloads described in
// contracts/events/<domain>/*.schema.json. A subscriber:
// - listens only to its own tenant's channel, named from the org_id claim of
//   its verified token (pgSettings, set by authenticate() for websockets as
//   for HTTP); anonymous callers and tokens without a tenant get an error;
// - receives an event only if it can read the row as itself: for each event,
//   in one transaction with its role and claims, auth.check_request() runs
//   (a suspended user, an ended session or a revoked membership ends the
//   subscription with 401/403, as the next HTTP request would be refused)
//   and then the row is looked up under row-level security. Events the
//   subscriber cannot see are dropped, not delivered as nulls;
// - reads the row itself (progress / approval) through the table's pg
//   resource, i.e. as the subscriber, under RLS.
// An expired token ends the subscription at the next event.

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const JWT_CLOCK_TOLERANCE = 30;

function claimsOf(pgSettings) {
  try {
    return JSON.parse(pgSettings?.["request.jwt.claims"] ?? "{}") ?? {};
  } catch {
    return {};
  }
}

// The subscriber's tenant, from its verified claims; anonymous callers and
// tokens without a tenant are refused.
function subscriberOrganization(pgSettings) {
  const claims = claimsOf(pgSettings);
  if ((claims.role ?? ANON_ROLE) === ANON_ROLE) {
    throw requestError(
      401,
      "PT401",
      'subscriptions need a signed-in user: send connection_init with {"authorization": "Bearer <token>"}',
    );
  }
  if (typeof claims.org_id !== "string" || !UUID_PATTERN.test(claims.org_id)) {
    throw requestError(
      403,
      "PT403",
      "the token names no organization: subscriptions deliver the events of the token's organization (org_id)",
    );
  }
  return claims.org_id.toLowerCase();
}

// The channel of a topic in the subscriber's own tenant. Never from an
// argument: a subscriber cannot name another tenant's channel.
function subscriberChannel(topic, pgSettings) {
  return `pulse:${topic}:${subscriberOrganization(pgSettings)}`;
}

// An async iterator over the events of `source` (a pgSubscriber stream of
// NOTIFY payloads) that `accept` lets through. Written by hand rather than
// as an async generator so that return() (the client completes, or the
// socket closes) reaches the source at once and UNLISTENs, instead of
// waiting behind the pending next() for one more event.
function acceptedEvents(source, accept) {
  let closing = null;
  const close = () => {
    closing ??= Promise.resolve(source.return?.()).then(
      () => undefined,
      () => undefined,
    );
    return closing;
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      for (;;) {
        const item = await source.next();
        if (item.done) return item;
        let event;
        try {
          event = await accept(item.value);
        } catch (e) {
          await close();
          throw e;
        }
        if (event != null) return { done: false, value: event };
      }
    },
    async return(value) {
      await close();
      return { done: true, value };
    },
    async throw(e) {
      await close();
      throw e;
    },
  };
}

// A GrafastSubscriber (what listen() subscribes to) that hands on only the
// events of `topic` this subscriber may see, optionally of one project.
function visibleEventSubscriber(topic, { pgSubscriber, withPgClient, pgSettings, projectId }) {
  if (!pgSubscriber) throw new SafeError("subscriptions are not available on this server");
  const claims = claimsOf(pgSettings);
  const organizationId = subscriberOrganization(pgSettings);
  const wantedProject = typeof projectId === "string" ? projectId.toLowerCase() : null;

  async function accept(payload) {
    let event;
    try {
      event = JSON.parse(payload);
    } catch {
      return null;
    }
    if (event === null || typeof event !== "object" || event.organization_id !== organizationId) return null;
    if (wantedProject !== null && event.project_id !== wantedProject) return null;
    const rowId = event[topic.rowIdKey];
    if (typeof rowId !== "string" || !UUID_PATTERN.test(rowId)) return null;
    if (typeof claims.exp === "number" && Date.now() / 1000 > claims.exp + JWT_CLOCK_TOLERANCE) {
      throw requestError(401, "PGRST301", "JWT expired");
    }
    try {
      return await withPgClient(pgSettings, async (client) => {
        await client.query({ text: "select auth.check_request()" });
        const { rows } = await client.query({ text: topic.visibleSql, values: [organizationId, rowId] });
        return rows[0]?.visible === true ? event : null;
      });
    } catch (e) {
      throw requestCheckError(e);
    }
  }

  return {
    subscribe(channel) {
      return acceptedEvents(pgSubscriber.subscribe(channel), accept);
    },
  };
}

const REALTIME_TOPICS = [
  {
    topic: "progress",
    table: "project_sub_stage_progress",
    rowIdKey: "progress_id",
    field: "projectProgressChanged",
    eventType: "ProgressEvent",
    rowField: "progress",
  },
  {
    topic: "approvals",
    table: "approvals",
    rowIdKey: "approval_id",
    field: "approvalChanged",
    eventType: "ApprovalEvent",
    rowField: "approval",
  },
];

function snakeCase(name) {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

const RealtimePlugin = extendSchema((build) => {
  const { sql } = build;
  const resources = Object.values(build.input.pgRegistry.pgResources);
  const topics = [];
  for (const spec of REALTIME_TOPICS) {
    const resource = resources.find(
      (r) =>
        !r.parameters &&
        r.codec.extensions?.pg?.schemaName === DB_SCHEMA &&
        r.codec.extensions?.pg?.name === spec.table,
    );
    if (!resource) continue; // e.g. a database migrated only part of the way
    // The enum types PostGraphile makes for the status columns (registered
    // later in init, so named through the inflector, as it names them).
    const typeOf = (column) => build.inflection.enumType(resource.codec.attributes[column].codec);
    topics.push({
      ...spec,
      resource,
      rowType: build.inflection.tableType(resource.codec),
      statusType: typeOf("status"),
      approvalTypeType: spec.topic === "approvals" ? typeOf("approval_type") : null,
      visibleSql: `select exists (select from ${sql.compile(resource.from).text} where organization_id = $1::uuid and id = $2::uuid) as visible`,
    });
  }
  if (topics.length === 0) return { typeDefs: [] };
  const progress = topics.find((t) => t.topic === "progress");
  const approvals = topics.find((t) => t.topic === "approvals");

  const typeDefs = [];
  const objects = { Subscription: { plans: {} } };
  const eventFields = {
    ProgressEvent: progress && [
      ["organizationId", "UUID!", "The tenant."],
      ["projectId", "UUID!", "The project (projects.id)."],
      ["progressId", "UUID!", "The progress row (project_sub_stage_progress.id)."],
      ["subStageId", "UUID!", "The catalog sub-stage."],
      ["status", `${progress.statusType}!`, "The status after the change."],
      ["previousStatus", progress.statusType, "The status before; empty when the row was seeded."],
    ],
    ApprovalEvent: approvals && [
      ["organizationId", "UUID!", "The tenant."],
      ["approvalId", "UUID!", "The approval (approvals.id)."],
      ["projectId", "UUID", "The project the approval belongs to."],
      ["approvalType", `${approvals.approvalTypeType}!`, "What is decided."],
      ["status", `${approvals.statusType}!`, "The status after the change."],
      ["previousStatus", approvals.statusType, "The status before; empty when the approval was requested."],
      ["currentApproverId", "UUID", "Who decides the current step."],
    ],
  };
  const eventDescriptions = {
    progress: {
      type: "A sub-stage's progress was seeded or changed status in the subscriber's organization.",
      event: "progress.seeded (the project entered the sub-stage's stage) or progress.updated (its status changed).",
      row: "The progress row, read as the subscriber (row-level security applies).",
      field:
        "Progress changes in the organization of the token (one event per seeded row and per status change), only those whose row the subscriber may read; optionally of one project.",
    },
    approvals: {
      type: "An approval was requested or changed (status, step or approver) in the subscriber's organization.",
      event: "approval.requested (opened) or approval.updated (its status, step or approver changed).",
      row: "The approval, read as the subscriber (row-level security applies).",
      field:
        "Approval changes in the organization of the token, only those the subscriber may read; optionally of one project.",
    },
  };

  for (const t of topics) {
    const text = eventDescriptions[t.topic];
    const fields = eventFields[t.eventType];
    const plans = {
      event: ($event) => access($event, "event"),
      occurredAt: ($event) => access($event, "occurred_at"),
      [t.rowField]: ($event) =>
        t.resource.get({
          organization_id: access($event, "organization_id"),
          id: access($event, t.rowIdKey),
        }),
    };
    for (const [name] of fields) plans[name] = ($event) => access($event, snakeCase(name));
    typeDefs.push(gql`
      """
      ${text.type}
      """
      type ${t.eventType} {
        """
        ${text.event}
        """
        event: String!
        ${fields.map(([name, type, doc]) => `"""\n${doc}\n"""\n${name}: ${type}`).join("\n")}
        """
        When it happened.
        """
        occurredAt: Datetime!
        """
        ${text.row}
        """
        ${t.rowField}: ${t.rowType}
      }

      extend type Subscription {
        """
        ${text.field}
        """
        ${t.field}(
          """
          Only events of this project (projects.id).
          """
          projectId: UUID
        ): ${t.eventType}
      }
    `);
    objects[t.eventType] = { plans };
    objects.Subscription.plans[t.field] = {
      subscribePlan(_$root, fieldArgs) {
        const $pgSettings = context().get("pgSettings");
        const $channel = lambda($pgSettings, (pgSettings) => subscriberChannel(t.topic, pgSettings));
        const $subscriber = lambda(
          [
            context().get("pgSubscriber"),
            context().get("withPgClient"),
            $pgSettings,
            fieldArgs.getRaw("projectId"),
          ],
          ([pgSubscriber, withPgClient, pgSettings, projectId]) =>
            visibleEventSubscriber(t, { pgSubscriber, withPgClient, pgSettings, projectId }),
        );
        return listen($subscriber, $channel);
      },
      plan($event) {
        return $event;
      },
    };
  }
  return { typeDefs, objects };
}, "PulseRealtimePlugin");

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

// Functions that refuse without raising, so what they recorded commits (a
// failed signature counts towards the lockout), return null and set
// response.status for PostgREST. In GraphQL such a null must not read as a
// success: the payload depends on a check that turns it into an error.
const REFUSED_WHEN_NULL = {
  decideApproval: new SafeError("signature refused: the password is wrong; nothing was decided", {
    code: "PT403", details: "signature.wrong_password", hint: null,
  }),
};

// app.login and app.refresh refuse by returning a row whose code, message,
// details and hint are the error (app_private.refuse_grant): PostgREST sends
// it with status 401 as the error body; here it becomes the GraphQL error.
const REFUSED_WITH_ERROR_ROW = ["login", "refresh"];

const RefusalPlugin = wrapPlans({
  Mutation: {
    ...Object.fromEntries(Object.entries(REFUSED_WHEN_NULL).map(([field, refusal]) => [field, (plan) => {
      const $payload = plan();
      const $refused = lambda($payload.getStepForKey("result"), (row) => {
        if (row == null) throw refusal;
        return true;
      });
      return object({ result: $payload.getStepForKey("result"), refused: $refused });
    }])),
    ...Object.fromEntries(REFUSED_WITH_ERROR_ROW.map((field) => [field, (plan) => {
      const $payload = plan();
      const $result = $payload.getStepForKey("result");
      const $refused = lambda(
        list([$result.get("code"), $result.get("message"), $result.get("details"), $result.get("hint")]),
        ([code, message, details, hint]) => {
          if (code != null) throw new SafeError(message, { code, details, hint });
          return true;
        },
      );
      return object({ result: $result, refused: $refused });
    }])),
  },
});

// Keys the server fills: id, organization_id (and messages.sender_id) come
// from the BEFORE INSERT trigger _000_fill_keys rather than a column DEFAULT
// (PostgREST would publish an SQL expression as the OpenAPI default), so
// PostGraphile is told they have one: create inputs keep them optional.
// db/tests/10_core/test_catalog.sql checks that every such column an API role may
// insert has the trigger.
const SERVER_FILLED = new Set(["id", "organization_id"]);
const ServerFilledKeysPlugin = {
  name: "ServerFilledKeysPlugin",
  version: "1.0.0",
  gather: {
    hooks: {
      pgCodecs_attribute(_info, { pgClass, pgAttribute, attribute }) {
        const filled = SERVER_FILLED.has(pgAttribute.attname) ||
          (pgClass.relname === "messages" && pgAttribute.attname === "sender_id");
        if (filled && pgClass.getNamespace()?.nspname === DB_SCHEMA) attribute.hasDefault = true;
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
  plugins: [
    AuthPlugin,
    HealthPlugin,
    RealtimePlugin,
    RefusalPlugin,
    PageSizePlugin,
    TagsFilePlugin,
    TenantKeysPlugin,
    UpdateNotFoundPlugin,
    NullableArgumentsPlugin,
    ServerFilledKeysPlugin,
  ],
  // PgRBACPlugin (part of the amber preset, i.e. V4's `ignoreRBAC: false`)
  // stays enabled. LISTEN/NOTIFY subscriptions (pubsub, on by default: the
  // pgSubscriber the RealtimePlugin listens with) hold one connection of this
  // pool as authenticator; only watch mode would need a superuser connection.
  pgServices: [
    makePgService({ connectionString: AUTHENTICATOR_URL, schemas: [DB_SCHEMA], pubsub: true }),
  ],
  gather: {
    // A function argument without a DEFAULT is required (non-null in the
    // schema); arguments with a DEFAULT stay optional. The functions are not
    // STRICT, so a null sent over REST still reaches their own checks and
    // gets their error.
    pgStrictFunctions: true,
  },
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
          : websocketSettings(ws?.connectionParams, ws?.request));
      return { pgSettings };
    },
  },
  grafserv: {
    port: PORT,
    host: HOST,
    graphqlPath: "/graphql",
    graphiql: true,
    graphiqlPath: "/graphiql",
    // Queries may come as GET (urql's and Apollo's default for queries);
    // mutations over GET are refused (405), as the GraphQL-over-HTTP spec
    // requires.
    graphqlOverGET: true,
    websockets: true,
    maskError,
  },
};

export default preset;
