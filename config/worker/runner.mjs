// The Pulse job worker: graphile-worker with the tasks of ./tasks/.
//
// `pulse up` starts it beside PostGraphile (cli/pulse/stack.py); `pulse db
// migrate` runs it once with --migrate to install or upgrade graphile-worker's
// schema (graphile_worker) before the repeatables that call
// graphile_worker.add_job (cli/pulse/worker.py). SQL enqueues jobs in the
// transaction that causes them (app_private.enqueue_job); a task only does the
// I/O and reports back to SQL, which decides what happens next.
//
// Environment:
//   PULSE_WORKER_DATABASE_URL   the owner's connection (the tasks call app_private functions)
//   PULSE_WORKER_CONCURRENCY    jobs run at once (default 10)
//   PULSE_WEBHOOK_ALLOWED_PRIVATE_NETWORKS  see tasks/webhook_deliver.mjs
//   PULSE_DNS_RESOLVER          see tasks/domain_verify.mjs
import { run, runMigrations } from "graphile-worker";

import { coa_render } from "./tasks/coa_render.mjs";
import { coc_render } from "./tasks/coc_render.mjs";
import { domain_verify } from "./tasks/domain_verify.mjs";
import { email_send } from "./tasks/email_send.mjs";
import { label_render } from "./tasks/label_render.mjs";
import { report_export } from "./tasks/report_export.mjs";
import { sap_deliver } from "./tasks/sap_deliver.mjs";
import { webhook_deliver } from "./tasks/webhook_deliver.mjs";

const connectionString = process.env.PULSE_WORKER_DATABASE_URL;
if (!connectionString) {
  console.error("PULSE_WORKER_DATABASE_URL is not set");
  process.exit(2);
}

if (process.argv.includes("--migrate")) {
  await runMigrations({ connectionString });
  process.exit(0);
}

const taskList = { coa_render, coc_render, domain_verify, email_send, label_render, report_export, sap_deliver, webhook_deliver };

const runner = await run({
  connectionString,
  concurrency: Number(process.env.PULSE_WORKER_CONCURRENCY ?? 10),
  // New jobs arrive by LISTEN/NOTIFY at once; polling only finds retries that fell due.
  pollInterval: 1000,
  taskList,
});
await runner.promise;
