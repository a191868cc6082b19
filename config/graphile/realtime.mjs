// Real-time events as GraphQL subscriptions (graphql-transport-ws).
//
// The database NOTIFYs one channel per tenant and topic,
// pulse:<topic>:<organization id> (db/functions/60_workflow/60_events.sql).
// The types and subscription fields are built from the events' contracts
// (./event-contracts.mjs). A subscriber:
// - listens only to its own tenant's channel, named from the org_id claim of
//   its verified token (./auth.mjs); anonymous callers and tokens without a
//   tenant are refused before anything listens;
// - receives an event only if the database says so: for each event,
//   auth.realtime_event(topic, payload) (db/functions/50_platform/30_realtime.sql)
//   runs as the subscriber (their role and claims, so row-level security
//   decides), re-runs the request check (an ended session or a revoked
//   membership ends the subscription with 401/403, as the next HTTP request
//   would be refused) and returns the event or nothing. Events it withholds
//   are dropped, not delivered as nulls. An expired token ends the
//   subscription at the next event;
// - reads the row the event is about through the table's pg resource, also
//   as the subscriber, under RLS.
// The projectId argument is the subscriber's own filter, applied here.
import { access, context, lambda, listen, SafeError } from "postgraphile/grafast";
import { getOperationAST, GraphQLError } from "postgraphile/graphql";
import { extendSchema, gql } from "postgraphile/utils";
import { ANON_ROLE, claimsOf, JWT_CLOCK_TOLERANCE, requestCheckError } from "./auth.mjs";
import { requestError } from "./errors.mjs";
import { eventContracts, eventFields } from "./event-contracts.mjs";
import { DB_SCHEMA } from "./settings.mjs";

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
      "realtime.no_tenant",
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

// A GrafastSubscriber (what listen() subscribes to) that hands on the events
// of `topic` auth.realtime_event() lets this subscriber see, optionally of
// one project only.
function visibleEventSubscriber(topic, { pgSubscriber, withPgClient, pgSettings, projectId }) {
  if (!pgSubscriber) throw new SafeError("subscriptions are not available on this server");
  const claims = claimsOf(pgSettings);
  subscriberOrganization(pgSettings);
  const wantedProject = typeof projectId === "string" ? projectId.toLowerCase() : null;

  async function accept(payload) {
    if (wantedProject !== null) {
      let projectOf;
      try {
        projectOf = JSON.parse(payload)?.project_id;
      } catch {
        projectOf = undefined;
      }
      if (projectOf !== wantedProject) return null;
    }
    if (typeof claims.exp === "number" && Date.now() / 1000 > claims.exp + JWT_CLOCK_TOLERANCE) {
      throw requestError(401, "PGRST301", "JWT expired");
    }
    try {
      return await withPgClient(pgSettings, async (client) => {
        const { rows } = await client.query({
          text: "select auth.realtime_event($1, $2::jsonb) as event",
          values: [topic, payload],
        });
        return rows[0]?.event ?? null;
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

function description(text) {
  return text ? `"""\n${text}\n"""\n` : "";
}

// The event types and subscription fields, one per contract whose table the
// database has (a database migrated only part of the way may lack some).
export const RealtimePlugin = extendSchema((build) => {
  const resources = Object.values(build.input.pgRegistry.pgResources);
  const codecs = Object.values(build.input.pgRegistry.pgCodecs);
  const inDb = (object, qualified) => {
    const [schemaName, name] = qualified.includes(".") ? qualified.split(".") : [DB_SCHEMA, qualified];
    return object.extensions?.pg?.schemaName === schemaName && object.extensions?.pg?.name === name;
  };
  const pgEnumType = (qualified) => {
    const codec = codecs.find((c) => c.values && inDb(c, qualified));
    if (!codec) throw new Error(`x-pg-enum ${qualified}: no such enum in the database`);
    return build.inflection.enumType(codec);
  };

  const typeDefs = [];
  const objects = { Subscription: { plans: {} } };
  for (const event of eventContracts()) {
    const resource = resources.find((r) => !r.parameters && r.codec.attributes && inDb(r.codec, event.row.table));
    if (!resource) continue;
    const fields = eventFields(event, { camelCase: (name) => build.inflection.camelCase(name), pgEnumType });
    const plans = {
      [event.row.field]: ($event) =>
        resource.get({
          organization_id: access($event, "organization_id"),
          id: access($event, event.row.key),
        }),
    };
    for (const field of fields) plans[field.name] = ($event) => access($event, field.property);
    typeDefs.push(gql`
      ${description(event.description)}type ${event.type} {
        ${fields.map((field) => `${description(field.description)}${field.name}: ${field.type}`).join("\n")}
        ${description(event.row.description)}${event.row.field}: ${build.inflection.tableType(resource.codec)}
      }

      extend type Subscription {
        ${description(event.subscriptionDescription)}${event.subscription}(
          """
          Only events of this project (projects.id).
          """
          projectId: UUID
        ): ${event.type}
      }
    `);
    objects[event.type] = { plans };
    objects.Subscription.plans[event.subscription] = {
      subscribePlan(_$root, fieldArgs) {
        const $pgSettings = context().get("pgSettings");
        const $channel = lambda($pgSettings, (pgSettings) => subscriberChannel(event.topic, pgSettings));
        const $subscriber = lambda(
          [
            context().get("pgSubscriber"),
            context().get("withPgClient"),
            $pgSettings,
            fieldArgs.getRaw("projectId"),
          ],
          ([pgSubscriber, withPgClient, pgSettings, projectId]) =>
            visibleEventSubscriber(event.topic, { pgSubscriber, withPgClient, pgSettings, projectId }),
        );
        return listen($subscriber, $channel);
      },
      plan($event) {
        return $event;
      },
    };
  }
  return typeDefs.length ? { typeDefs, objects } : { typeDefs: [] };
}, "PulseRealtimePlugin");

// A subscription an anonymous caller (or a token without a tenant) starts is
// refused with an `error` message, before anything listens. (The subscribe
// plans refuse it too, for any other transport.)
export const SubscriberGatePlugin = {
  name: "PulseSubscriberGatePlugin",
  version: "1.0.0",
  grafserv: {
    middleware: {
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
