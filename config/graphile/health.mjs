// GET /health: 200 once the schema is built, 503 before (or if it failed).
// `pulse up` waits on it; load balancers may too.
export const HealthPlugin = {
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
