// PostGraphile 5 preset for Pulse: it only composes. Used by
// config/graphql-server.mjs (the supported entry point), by
// config/print-schema.mjs, and it also works with the stock CLI:
// `postgraphile -C config/graphile.config.mjs`.
//
// Each concern has its own module under config/graphile/:
//   settings.mjs         what the server reads from the environment
//   auth.mjs             token verification, pgSettings, the request check
//   errors.mjs           error masking and the fields clients read; refusals
//   limits.mjs           depth, alias, cost and page-size limits; statement timeout
//   shape.mjs            schema shape rules (tenant-implicit keys, names, inputs)
//   realtime.mjs         subscriptions; what a subscriber sees is decided in SQL
//   event-contracts.mjs  event fields read from contracts/events/<domain>/*.schema.json
//   custom-fields.mjs    ordering by a custom field (orderByCustomFields)
//   health.mjs           GET /health
import pg from "pg";
import { makePgService, PgSubscriber } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { PgSimplifyInflectionPreset } from "@graphile/simplify-inflection";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";
import { adaptor } from "./graphile/adaptor.mjs";
import { authContext, AuthPlugin } from "./graphile/auth.mjs";
import { CustomFieldOrderPlugin } from "./graphile/custom-fields.mjs";
import { maskError, RefusalPlugin } from "./graphile/errors.mjs";
import { HealthPlugin } from "./graphile/health.mjs";
import { CostLimitsPlugin, PageSizePlugin } from "./graphile/limits.mjs";
import { RealtimePlugin, SubscriberGatePlugin } from "./graphile/realtime.mjs";
import { AUTHENTICATOR_URL, DB_SCHEMA, HOST, LISTEN_URL, PORT } from "./graphile/settings.mjs";
import {
  NullableArgumentsPlugin,
  PartitionedIndexBehaviorsPlugin,
  ServerFilledKeysPlugin,
  TagsFilePlugin,
  TenantKeysPlugin,
  UpdateNotFoundPlugin,
} from "./graphile/shape.mjs";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [
    PostGraphileAmberPreset,
    PgSimplifyInflectionPreset,
    PostGraphileConnectionFilterPreset,
  ],
  plugins: [
    AuthPlugin,
    CostLimitsPlugin,
    CustomFieldOrderPlugin,
    HealthPlugin,
    RealtimePlugin,
    SubscriberGatePlugin,
    RefusalPlugin,
    PageSizePlugin,
    TagsFilePlugin,
    TenantKeysPlugin,
    UpdateNotFoundPlugin,
    NullableArgumentsPlugin,
    PartitionedIndexBehaviorsPlugin,
    ServerFilledKeysPlugin,
  ],
  // PgRBACPlugin (part of the amber preset, i.e. V4's `ignoreRBAC: false`)
  // stays enabled. LISTEN/NOTIFY subscriptions (pubsub, on by default: the
  // pgSubscriber the RealtimePlugin listens with) hold one connection of this
  // pool as authenticator; only watch mode would need a superuser connection.
  // Behind a transaction pool (PULSE_POOL) LISTEN needs a session: the
  // subscriber then has its own small pool on the database itself
  // (LISTEN_URL), while every operation (the per-event checks too) runs
  // through AUTHENTICATOR_URL.
  // Operations open their transaction, settings and request check in one
  // round trip (./graphile/adaptor.mjs).
  pgServices: [
    {
      ...makePgService({
        connectionString: AUTHENTICATOR_URL,
        schemas: [DB_SCHEMA],
        pubsub: true,
        ...(LISTEN_URL === AUTHENTICATOR_URL
          ? {}
          : { pgSubscriber: new PgSubscriber(new pg.Pool({ connectionString: LISTEN_URL, max: 1 })) }),
      }),
      adaptor,
    },
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
    context: authContext,
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
