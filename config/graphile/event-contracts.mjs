// The real-time events, read at startup from their contracts,
// contracts/events/<domain>/*.schema.json: the channel (x-channel), the
// GraphQL names (x-graphql: event type, subscription field, the row the
// event is about) and the fields, one per JSON property, so a property added
// to a contract is a field of the subscription's event type once the server
// restarts. Nothing about an event's fields is restated in JavaScript.
//
// A property's GraphQL type follows from its JSON schema: a uuid string is
// UUID, a date-time string Datetime, an enum that names its database type
// (x-pg-enum: "app.sub_stage_status") that type's GraphQL enum, any other
// enum or string String, integer Int, number Float, boolean Boolean. It is
// non-null unless null is allowed ("type": [..., "null"], or anyOf with
// {"type": "null"}) or the property is not required.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const CONTRACTS = fileURLToPath(new URL("../../contracts/events/", import.meta.url));
const CHANNEL = /^pulse:([a-z_]+):\{organization_id\}$/;

function contract(path) {
  const schema = JSON.parse(readFileSync(path, "utf8"));
  const where = `contracts/events/${path.slice(CONTRACTS.length)}`;
  const topic = CHANNEL.exec(schema["x-channel"] ?? "")?.[1];
  const names = schema["x-graphql"];
  if (!topic) throw new Error(`${where}: x-channel must be pulse:<topic>:{organization_id}`);
  if (!names?.type || !names.subscription || !names.row?.field || !names.row.table || !names.row.key) {
    throw new Error(`${where}: x-graphql must name type, subscription and row {field, table, key}`);
  }
  return { topic, schema, where, ...names };
}

// Every real-time contract, in path order. Files with x-webhook describe the
// payloads of platform events delivered to webhooks (docs/platform/webhooks.md),
// not a channel: they are no subscription.
export function eventContracts(folder = CONTRACTS) {
  return readdirSync(folder, { recursive: true })
    .filter((name) => name.endsWith(".schema.json"))
    .sort()
    .filter((name) => !("x-webhook" in JSON.parse(readFileSync(folder + name, "utf8"))))
    .map((name) => contract(folder + name));
}

function resolve(schema, node) {
  if (!node.$ref) return node;
  const path = /^#\/\$defs\/(.+)$/.exec(node.$ref)?.[1];
  const target = path && schema.$defs?.[path];
  if (!target) throw new Error(`unsupported $ref ${node.$ref}`);
  return { ...target, ...node, $ref: undefined };
}

function namedType(node, pgEnumType) {
  const types = [node.type].flat().filter((type) => type != null && type !== "null");
  if (node["x-pg-enum"]) return pgEnumType(node["x-pg-enum"]);
  if (node.enum || node.const !== undefined) return "String";
  if (types.length !== 1) return null;
  if (types[0] === "string") {
    return { uuid: "UUID", "date-time": "Datetime" }[node.format] ?? "String";
  }
  return { integer: "Int", number: "Float", boolean: "Boolean" }[types[0]] ?? null;
}

// The GraphQL fields of an event: [{name, property, type, description}], in
// the contract's order. pgEnumType("app.x") names the GraphQL enum of a
// database enum type.
export function eventFields(event, { camelCase, pgEnumType }) {
  const { schema } = event;
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([property, declared]) => {
    let node = declared;
    let nullable = !required.has(property);
    if (node.anyOf) {
      const kinds = node.anyOf.filter((option) => option.type !== "null");
      nullable ||= kinds.length < node.anyOf.length;
      node = kinds.length === 1 ? kinds[0] : {};
    }
    node = resolve(schema, node);
    nullable ||= [node.type].flat().includes("null");
    const type = namedType(node, pgEnumType);
    if (!type) throw new Error(`${event.where}: no GraphQL type for property ${property}`);
    return {
      name: camelCase(property),
      property,
      type: nullable ? type : `${type}!`,
      description: declared.description ?? node.description ?? null,
    };
  });
}
