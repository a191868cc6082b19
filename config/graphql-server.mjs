// Starts the Pulse GraphQL server (PostGraphile 5 + grafserv on node:http).
//   node_modules/.bin/node config/graphql-server.mjs
// Same as `postgraphile -C config/graphile.config.mjs`, plus a graceful
// shutdown on SIGTERM/SIGINT (the stock CLI just dies on signals).
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { grafserv } from "postgraphile/grafserv/node";
import preset from "./graphile.config.mjs";

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
const { port, host } = pgl.getResolvedPreset().grafserv;

server.on("error", (e) => {
  console.error("HTTP server error:", e);
  process.exit(1);
});

// Fail fast (and exit non-zero) if the database cannot be introspected,
// rather than answering 503 forever.
pgl.getSchema().catch((e) => {
  console.error("Building the GraphQL schema failed:", e);
  process.exit(1);
});

await serv.addTo(server);
server.listen({ port, host }, () => {
  console.log(`GraphQL on http://${host}:${port}/graphql, GraphiQL on /graphiql`);
});

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: shutting down`);
  // In-flight requests get up to 10s to finish.
  const force = setTimeout(() => {
    console.error("Shutdown timed out; forcing exit");
    process.exit(1);
  }, 10_000);
  force.unref();
  const closed = new Promise((resolve) => server.close(resolve));
  server.closeIdleConnections();
  await pgl.release(); // also closes websocket subscriptions
  await closed;
  // pgl.release() does not end the pg pools of the pgServices.
  await Promise.all(pgl.getResolvedPreset().pgServices.map((s) => s.release()));
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
