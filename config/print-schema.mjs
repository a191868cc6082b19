// Prints the GraphQL SDL of the configured database, sorted so that repeated
// runs give identical bytes:
//   node_modules/.bin/node config/print-schema.mjs > schema.graphql
//
// It uses the same preset (and so the same PULSE_AUTHENTICATOR_URL) as the
// server. Which grants shape the schema: PostGraphile introspects as the
// connecting role (current_user = authenticator) and PgRBACPlugin expands
// that role through all of its memberships, NOINHERIT included. So the schema
// exposes whatever authenticator, PUBLIC, anon, app_user or app_admin may do
// (the union of them). A table only app_admin can select still appears;
// for other roles PostgreSQL refuses it at request time. Grant changes only
// show up after the schema is rebuilt (restart the server).
import { makeSchema } from "postgraphile";
import { lexicographicSortSchema, printSchema } from "postgraphile/graphql";
import preset from "./graphile.config.mjs";

const { schema, resolvedPreset } = await makeSchema(preset);
try {
  process.stdout.write(printSchema(lexicographicSortSchema(schema)) + "\n");
} finally {
  await Promise.all(resolvedPreset.pgServices.map((s) => s.release()));
}
