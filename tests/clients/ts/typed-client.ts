// A tiny frontend module written against the generated client types
// (contracts/clients/); tests/clients/test_client_types.py type-checks it
// with `tsc --noEmit`, so a contract change that breaks it fails the suite.
import { PostgrestClient } from "@supabase/postgrest-js";
import { Client, fetchExchange, gql } from "@urql/core";
import type { Projects, Partners, Rpc } from "../../../contracts/clients/rest.ts";
import type { Project, ProjectConnection, UpdateProgressInput } from "../../../contracts/clients/graphql.ts";

type ProjectRow = Pick<Projects, "id" | "title" | "status" | "requested_due_date">;

export async function openProjects(rest: PostgrestClient<any, any, any>): Promise<ProjectRow[]> {
  const { data, error } = await rest.from("projects").select("id,title,status,requested_due_date")
    .neq("status", "cancelled").overrideTypes<ProjectRow[], { merge: false }>();
  if (error) throw new Error(`${error.code}: ${error.message}`);
  return data;
}

export function newCustomer(name: string): Pick<Partners, "name" | "kind"> {
  return { name, kind: "customer" };
}

export const signIn = (email: string, password: string): Rpc.LoginCreate.RequestBody => ({ email, password });

export async function projectTitles(graphql: Client): Promise<string[]> {
  const result = await graphql.query<{ projects: Pick<ProjectConnection, "totalCount"> & { nodes: Pick<Project, "rowId" | "title">[] } }>(
    gql`{ projects(first: 10) { totalCount nodes { rowId title } } }`, {}).toPromise();
  return result.data?.projects.nodes.map((project) => project.title) ?? [];
}

export const completeStep = (projectId: string, subStageId: string): UpdateProgressInput =>
  ({ projectId, subStageId, action: "complete" });

export const graphqlClient = (url: string, token: string) =>
  new Client({ url, exchanges: [fetchExchange], fetchOptions: { headers: { Authorization: `Bearer ${token}` } } });
