// Drives PostgREST with @supabase/postgrest-js as a frontend would; prints one JSON result.
//   node postgrest-js.mjs <scenario> '{"rest": "http://…", "email": "…", "password": "…", …}'
import { PostgrestClient } from "@supabase/postgrest-js";

const [scenario, configText] = process.argv.slice(2);
const config = JSON.parse(configText);

const client = (token) =>
  new PostgrestClient(config.rest, { schema: "app", headers: token ? { Authorization: `Bearer ${token}` } : {} });
// What an application reads off a failed call.
const outcome = ({ data, error, count, status }) => ({
  status, count: count ?? null, data: data ?? null,
  error: error && { code: error.code ?? null, message: error.message ?? null, details: error.details ?? null,
                   hint: error.hint ?? null },
});
const signIn = async () => {
  const { data, error } = await client().rpc("login", { email: config.email, password: config.password });
  if (error) throw new Error(`login failed: ${JSON.stringify(error)}`);
  return client(data.access_token);
};

const scenarios = {
  async login() {
    return outcome(await client().rpc("login", { email: config.email, password: config.password }));
  },

  async read() {
    const api = await signIn();
    return {
      filtered: outcome(await api.from("projects").select("title,status")
        .in("status", ["reviewing", "production"]).ilike("title", "%a%").order("title")),
      // Projects and partners are keyed by (organization_id, id); the embed follows that composite key.
      embedded: outcome(await api.from("projects")
        .select("title, customer:partners!inner(name,kind), progress:project_sub_stage_progress(status)")
        .eq("customer.kind", "customer").order("title")),
      page: outcome(await api.from("projects").select("id", { count: "exact" }).order("id").range(2, 4)),
      csv: outcome(await api.from("partners").select("code,name").order("code").limit(3).csv()),
    };
  },

  async errors() {
    const api = await signIn();
    return {
      refused: outcome(await api.rpc("override_project_stage",
        { project_id: config.project, stage_id: config.stage, reason: "client test" })),
      unknown_column: outcome(await api.from("projects").select("no_such_column")),
    };
  },

  async upsert() {
    const api = await signIn();
    const { data: partner } = await api.from("partners").select("id,name,kind,code").eq("code", config.code).single();
    return outcome(await api.from("partners")
      .upsert({ ...partner, name: `${partner.name} (upserted by postgrest-js)` }).select("id,name"));
  },
};

process.stdout.write(JSON.stringify(await scenarios[scenario]()));
