// Subscribes with graphql-ws to projectProgressChanged of one project, prints {"ready": true},
// waits for a line on stdin, then completes a sub-stage with an @urql/core mutation and prints
// {"mutation": …, "events": [...]} once the completion arrives (or after the timeout).
//   node subscription.mjs '{"graphql": "http://…/graphql", "token": "…", "project": "…", "subStage": "…"}'
import { createInterface } from "node:readline";
import { Client, fetchExchange, gql } from "@urql/core";
import { createClient } from "graphql-ws";

const config = JSON.parse(process.argv[2]);
const TIMEOUT_MS = 5000;

const socket = createClient({
  url: config.graphql.replace(/^http/, "ws"),
  connectionParams: { authorization: `Bearer ${config.token}` },
  lazy: false,
  retryAttempts: 0,
});
const events = [];
const completed = new Promise((resolve, reject) => {
  socket.subscribe({
    query: `subscription ($projectId: UUID) {
      projectProgressChanged(projectId: $projectId) { event subStageId status previousStatus }
    }`,
    variables: { projectId: config.project },
  }, {
    next: ({ data, errors }) => {
      if (errors) reject(new Error(JSON.stringify(errors)));
      events.push(data.projectProgressChanged);
      if (data.projectProgressChanged.status === "completed") resolve();
    },
    error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
    complete: () => {},
  });
});
await new Promise((resolve) => socket.on("connected", resolve));
process.stdout.write(JSON.stringify({ ready: true }) + "\n");

const lines = createInterface({ input: process.stdin });
await new Promise((resolve) => lines.once("line", resolve));
lines.close();

const api = new Client({
  url: config.graphql, exchanges: [fetchExchange], preferGetMethod: false,
  fetchOptions: { headers: { Authorization: `Bearer ${config.token}` } },
});
const mutation = await api.mutation(gql`
  mutation Complete($projectId: UUID!, $subStageId: UUID!) {
    updateProgress(input: { projectId: $projectId, subStageId: $subStageId, action: complete }) {
      result { status }
    }
  }`, { projectId: config.project, subStageId: config.subStage }).toPromise();
const started = Date.now();
await Promise.race([completed, new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS))]);
process.stdout.write(JSON.stringify({
  mutation: { data: mutation.data ?? null, error: mutation.error?.message ?? null },
  events, waitedMs: Date.now() - started,
}) + "\n");
await socket.dispose();
