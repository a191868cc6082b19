// Drives PostGraphile with @urql/core as a frontend would; prints one JSON result.
//   node urql.mjs <scenario> '{"graphql": "http://…/graphql", "token": "…", …}'
import { Client, fetchExchange, gql } from "@urql/core";

const [scenario, configText] = process.argv.slice(2);
const config = JSON.parse(configText);

const client = (token, options = { preferGetMethod: false }) => new Client({
  url: config.graphql, exchanges: [fetchExchange], requestPolicy: "network-only",
  fetchOptions: () => ({ headers: token ? { Authorization: `Bearer ${token}` } : {} }), ...options,
});
// What an application reads off a result: data, and the code, reason (details), hint and message of each GraphQL error.
const outcome = ({ data, error }) => ({
  data: data ?? null,
  errors: error ? (error.graphQLErrors.length
    ? error.graphQLErrors.map((e) => ({
      code: e.extensions?.code ?? null, details: e.extensions?.details ?? null, hint: e.extensions?.hint ?? null,
      message: e.message,
    }))
    : [{ code: null, details: null, hint: null, message: error.message }]) : [],
});

const PROJECTS = gql`
  query Projects($statuses: [ProjectStatus!], $after: Cursor) {
    projects(filter: { status: { in: $statuses } }, orderBy: [TITLE_ASC], first: 2, after: $after) {
      totalCount
      nodes { rowId title status }
      pageInfo { hasNextPage endCursor }
    }
  }`;
const LOGIN = gql`
  mutation Login($email: String!, $password: String!) {
    login(input: { email: $email, password: $password }) { result { accessToken } }
  }`;

const scenarios = {
  async query() {
    const api = client(config.token);
    const statuses = ["reviewing", "production", "inquiry"];
    const first = await api.query(PROJECTS, { statuses }).toPromise();
    const after = first.data?.projects.pageInfo.endCursor;
    const second = await api.query(PROJECTS, { statuses, after }).toPromise();
    return { first: outcome(first), second: outcome(second) };
  },

  // urql's defaults: queries go out as GET when the URL is short enough.
  async default_get() {
    const api = client(config.token, {});
    return outcome(await api.query(PROJECTS, { statuses: ["reviewing"] }).toPromise());
  },

  async errors() {
    const api = client(config.token);
    return outcome(await api.mutation(gql`
      mutation Override($project: UUID!, $stage: UUID!) {
        overrideProjectStage(input: { projectId: $project, stageId: $stage, reason: "client test" }) {
          clientMutationId
        }
      }`, { project: config.project, stage: config.stage }).toPromise());
  },

  // As docs/api-map.md writes it: the row by its id alone, the tenant coming from the token.
  async update_project() {
    const api = client(config.token);
    return outcome(await api.mutation(gql`
      mutation Rename($id: UUID!, $title: String!) {
        updateProject(input: { rowId: $id, patch: { title: $title } }) { project { rowId title } }
      }`, { id: config.project, title: config.title }).toPromise());
  },

  async login() {
    return outcome(await client().mutation(LOGIN, { email: config.email, password: config.password }).toPromise());
  },
};

process.stdout.write(JSON.stringify(await scenarios[scenario]()));
