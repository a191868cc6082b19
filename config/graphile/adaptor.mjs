// How GraphQL operations reach PostgreSQL: @dataplan/pg's node-postgres
// adaptor, except for how a transaction starts. Its own withPgClient sends
// `begin`, then the settings, then the operation's statements, then
// `commit`, one round trip each; here `begin`, the settings and, for a
// signed-in caller, the request check (auth.mjs) go as one simple-protocol
// message. So a signed-in operation takes the round trips an anonymous one
// takes, and the check runs in the operation's own transaction, on its own
// connection, before any of its statements.
import * as stock from "postgraphile/adaptors/pg";
import { recordRequestVerdict, requestCheckStatement } from "./auth.mjs";
import { refusalOf } from "./errors.mjs";

const $$jitConfigured = Symbol("pulseJitConfigured");

// The message that opens an operation's transaction.
function openingMessage(client, pgSettings) {
  const settings = Object.entries(pgSettings)
    .filter(([, value]) => value != null)
    .map(([key, value]) => `pg_catalog.set_config(${client.escapeLiteral(key)}, ${client.escapeLiteral(String(value))}, true)`);
  const check = requestCheckStatement(pgSettings);
  return ["begin", `select ${settings.join(", ")}`, ...(check ? [check] : [])].join(";\n");
}

async function openTransaction(pool, pgSettings) {
  const client = await pool.connect();
  try {
    // What @dataplan/pg sets once per connection (a planner cost).
    if (!client[$$jitConfigured]) {
      await client.query("set jit_optimize_above_cost = -1");
      client[$$jitConfigured] = true;
    }
    await client.query(openingMessage(client, pgSettings));
    return client;
  } catch (e) {
    await client.query("rollback").then(
      () => client.release(),
      (rollbackError) => client.release(rollbackError),
    );
    throw e;
  }
}

const RESPONSE_SETTINGS =
  "select pg_catalog.current_setting('response.status', true) as status, pg_catalog.current_setting('response.headers', true) as headers";

function withPgClientOnPool(pool) {
  const withoutSettings = stock.makePgAdaptorWithPgClient(pool);
  return async function withPgClient(pgSettings, callback) {
    if (pgSettings == null || Object.keys(pgSettings).length === 0) {
      // No settings (introspection): no transaction, as @dataplan/pg does.
      return withoutSettings(pgSettings, callback);
    }
    let client;
    try {
      client = await openTransaction(pool, pgSettings);
    } catch (e) {
      recordRequestVerdict(pgSettings, e);
      throw e;
    }
    recordRequestVerdict(pgSettings, true);
    let broken;
    try {
      // The transaction is open: the operation's statements run in it, and
      // its own transactions (mutations) become savepoints.
      const result = await stock.makeWithPgClientViaPgClientAlreadyInTransaction(client, true)(null, callback);
      // What a function that refuses without raising set for PostgREST, read in the same message as the commit.
      const [response] = await client.query(`${RESPONSE_SETTINGS};\ncommit`);
      const refusal = refusalOf(response.rows[0]);
      if (refusal) throw refusal;
      return result;
    } catch (e) {
      await client.query("rollback").catch((rollbackError) => {
        broken = rollbackError;
      });
      throw e;
    } finally {
      // A connection that could not even roll back is not reused.
      client.release(broken);
    }
  };
}

// The adaptor PostGraphile gets: @dataplan/pg's, with this withPgClient for
// operations (the superuser variant, for watch mode, stays as it was).
export const adaptor = {
  ...stock,
  createWithPgClient(settings, variant) {
    if (variant === "SUPERUSER" || settings?.pool == null) return stock.createWithPgClient(settings, variant);
    const withPgClient = withPgClientOnPool(settings.pool);
    withPgClient.release = () => {};
    return withPgClient;
  },
};
