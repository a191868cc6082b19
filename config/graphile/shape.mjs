// The shape of the GraphQL schema: rules that hold for every present and
// future table of schema `app`, plus the smart tags file for what one object
// needs (config/postgraphile.tags.json5).
//
// - Tenant-implicit keys: a tenant table's primary key is (organization_id,
//   id) and ids are uuids, so the row id alone names a row and the tenant
//   comes from the token (row-level security). Each such table gets a key
//   on `id`, named as the primary key would be (`project(rowId)`,
//   `updateProject(input: {rowId, patch})`, `deleteProject(input: {rowId})`);
//   keys that include organization_id are not offered for lookups, updates
//   or deletes (a client never sends the tenant). The node id still
//   encodes (organization_id, id). A table partitioned by time keys on
//   (organization_id, id, <its partition column>), as PostgreSQL needs the
//   partition column in every unique key; its id is as unique (a uuid the
//   server makes), so the API is the same as for (organization_id, id):
//   same node id, same lookups (docs/scaling.md, "Partitions").
// - Relation names without the tenant key: organization_id is dropped from
//   composite foreign keys before a relation is named, so
//   (organization_id, current_stage_id) names `currentStage`, not
//   `organizationCurrentStage`; the tags file renames where the domain
//   needs it (`customer`, `progress`, `history`).
// - An update that matches no row (missing, hidden by row-level security,
//   another tenant's) is an error, PT404, as a delete that matches none is
//   (maskError in ./errors.mjs), not a payload with a null row.
// - Server-managed columns (ids, created_at, updated_at) are not in create or
//   update inputs: no role can set them; organization_id is not in patches
//   (a row never changes tenant).
// - Keys the server fills (id, organization_id, messages.sender_id) are
//   optional in create inputs.
// - Function arguments without a DEFAULT are required, except those the
//   `nullableArgs` smart tag names.
// - A nullable boolean column is not offered as a sort key (orderBy): a
//   cursor holding its null cannot be read back.
import { fileURLToPath } from "node:url";
import { withPgClientFromPgService } from "postgraphile/@dataplan/pg";
import { lambda, object, SafeError } from "postgraphile/grafast";
import { pgSmartTagsFromFile } from "postgraphile/utils";
import { DB_SCHEMA } from "./settings.mjs";

const TENANT_KEY = "organization_id";
const ROW_KEY = "id";
const SERVER_MANAGED_COLUMNS = new Set(["id", "created_at", "updated_at"]);

export const TagsFilePlugin = pgSmartTagsFromFile(
  fileURLToPath(new URL("../postgraphile.tags.json5", import.meta.url)),
);

function isTenantPrimaryKey(unique) {
  return (
    unique?.isPrimary === true &&
    unique.attributes.length === 2 &&
    unique.attributes.includes(TENANT_KEY) &&
    unique.attributes.includes(ROW_KEY)
  );
}

// A partitioned table's key (organization_id, id, <partition column>),
// presented as the tenant primary key it stands for.
function asTenantPrimaryKey(pgClass, unique) {
  if (pgClass?.relkind !== "p" || unique?.isPrimary !== true || unique.attributes.length !== 3) return unique;
  if (!unique.attributes.includes(TENANT_KEY) || !unique.attributes.includes(ROW_KEY)) return unique;
  return { ...unique, attributes: [TENANT_KEY, ROW_KEY] };
}

function withBehavior(unique, behavior) {
  const tags = unique.extensions?.tags ?? {};
  const before = [tags.behavior].flat().filter(Boolean);
  return { ...unique, extensions: { ...unique.extensions, tags: { ...tags, behavior: [...before, behavior] } } };
}

// The key on `id` this plugin gives a tenant table.
function isRowKey(unique) {
  return unique?.extensions?.tags?.pulseRowKey === true;
}

export const TenantKeysPlugin = {
  name: "PulseTenantKeysPlugin",
  version: "1.0.0",
  after: ["PgSimplifyInflectionPlugin"],
  gather: {
    hooks: {
      pgTables_PgResourceOptions(_info, event) {
        const { resourceOptions, pgClass } = event;
        const uniques = (resourceOptions.uniques ?? []).map((unique) => asTenantPrimaryKey(pgClass, unique));
        if (!uniques.some(isTenantPrimaryKey)) return;
        resourceOptions.uniques = [
          ...uniques.map((unique) => {
            // The primary key keeps naming the node id; lookups, updates and
            // deletes go by `id` alone. Other keys with the tenant in them
            // (organization_id, code) are filters: `partners(condition: {code})`.
            return unique.attributes.includes(TENANT_KEY) ? withBehavior(unique, "-single -update -delete") : unique;
          }),
          {
            attributes: [ROW_KEY],
            description: "The row id; the tenant is the caller's (row-level security).",
            extensions: { tags: { pulseRowKey: true } },
          },
        ];
      },
    },
  },
  inflection: {
    replace: {
      // Names computed from the keys of a relation leave the tenant key out
      // when there are others.
      _getBaseNameFromKeys(previous, _options, detailedKeys) {
        const keys = detailedKeys.filter((key) => key.attributeName !== TENANT_KEY);
        return previous(keys.length > 0 ? keys : detailedKeys);
      },
      // ...and so do names that list the columns (projectsByCurrentStageId).
      _joinAttributeNames(previous, _options, codec, names) {
        const kept = names.filter((name) => name !== TENANT_KEY);
        return previous(codec, kept.length > 0 ? kept : names);
      },
      // The key on `id` is named as the primary key is.
      rowByUnique(previous, _options, details) {
        return previous(asPrimary(details));
      },
      updateByKeysField(previous, _options, details) {
        return previous(asPrimary(details));
      },
      deleteByKeysField(previous, _options, details) {
        return previous(asPrimary(details));
      },
      updateByKeysInputType(previous, _options, details) {
        return previous(asPrimary(details));
      },
      deleteByKeysInputType(previous, _options, details) {
        return previous(asPrimary(details));
      },
    },
  },
  schema: {
    entityBehavior: {
      pgCodecAttribute: {
        inferred(behavior, [codec, attributeName]) {
          if (!codec.extensions?.isTableLike) return behavior;
          // A nullable boolean is no sort key: ordered by it, a page's cursor
          // holds its null, which @dataplan/pg's boolean codec cannot read
          // back (the request fails with an internal error).
          const attribute = codec.attributes?.[attributeName];
          if (attribute?.codec?.name === "bool" && !attribute.notNull) return [behavior, "-orderBy"];
          if (SERVER_MANAGED_COLUMNS.has(attributeName)) return [behavior, "-insert -update"];
          // A row never moves to another tenant (row-level security refuses it).
          if (attributeName === TENANT_KEY) return [behavior, "-update"];
          return behavior;
        },
      },
    },
  },
};

// PostGraphile's index rule (PgIndexBehaviorsPlugin: a column without an
// index is no filter or sort key, a backward relation without an index on
// its key is not listed) skips partitioned tables (relkind p), as if they
// could have no index, so partitioning a table would offer every column as
// a filter and sort key and list every relation into it. Their indexes are
// in the catalog like any table's (the parent's partitioned indexes): the
// same rule holds for them here, so the API stays as it was before the
// table was partitioned.
function indexedBy(pgClass, attributeNames) {
  return pgClass.getIndexes().some((index) => {
    if (index.indpred) return false;
    const keys = index.getKeys().map((key) => key?.attname);
    return attributeNames.length === 1
      ? keys.includes(attributeNames[0])
      : keys.length >= attributeNames.length && attributeNames.every((name) => keys.includes(name));
  });
}

export const PartitionedIndexBehaviorsPlugin = {
  name: "PulsePartitionedIndexBehaviorsPlugin",
  version: "1.0.0",
  after: ["smart-tags"],
  gather: {
    hooks: {
      pgRelations_relation(_info, event) {
        const { relation, pgConstraint } = event;
        if (!relation.isReferencee || pgConstraint._id.startsWith("FAKE_")) return;
        const remote = pgConstraint.getClass();
        if (remote?.relkind !== "p") return;
        const names = pgConstraint.getAttributes().map((attribute) => attribute.attname);
        if (indexedBy(remote, names)) return;
        relation.extensions ??= Object.create(null);
        if (!("isIndexed" in relation.extensions)) relation.extensions.isIndexed = false;
      },
      pgCodecs_attribute(_info, event) {
        const { attribute, pgAttribute } = event;
        const table = pgAttribute.getClass();
        if (table?.relkind !== "p" || indexedBy(table, [pgAttribute.attname])) return;
        attribute.extensions ??= Object.create(null);
        if (!("isIndexed" in attribute.extensions)) attribute.extensions.isIndexed = false;
      },
    },
  },
};

function asPrimary(details) {
  return isRowKey(details.unique) ? { ...details, unique: { ...details.unique, isPrimary: true } } : details;
}

// The error of an update that matched no row; the same code, details and
// hint as a delete's (maskError in ./errors.mjs).
function nothingUpdated(tableType) {
  return new SafeError(`No ${tableType} was updated: no row you can change matches the key.`, {
    code: "PT404",
    details: null,
    hint: "The row does not exist or is not yours to change.",
  });
}

export const UpdateNotFoundPlugin = {
  name: "PulseUpdateNotFoundPlugin",
  version: "1.0.0",
  schema: {
    hooks: {
      GraphQLObjectType_fields_field(field, build, context) {
        const { isPgUpdateMutation, pgFieldResource } = context.scope;
        if (!isPgUpdateMutation || typeof field.plan !== "function") return field;
        const refusal = nothingUpdated(build.inflection.tableType(pgFieldResource.codec));
        const plan = field.plan;
        return {
          ...field,
          plan(...args) {
            const $payload = plan(...args);
            const $result = $payload.getStepForKey("result");
            const $found = lambda($result, (row) => {
              if (row == null) throw refusal;
              return true;
            });
            return object({ result: $result, found: $found });
          },
        };
      },
    },
  },
};

// Function arguments without a DEFAULT are non-null in the schema
// (pgStrictFunctions in config/graphile.config.mjs); a `nullableArgs` smart
// tag (config/postgraphile.tags.json5) names those for which null means
// something, e.g. set_direct_manager's manager_id (null clears it).
export const NullableArgumentsPlugin = {
  name: "PulseNullableArgumentsPlugin",
  version: "1.0.0",
  gather: {
    hooks: {
      pgProcedures_PgResourceOptions(_info, event) {
        const { pgProc, resourceOptions } = event;
        const tag = pgProc.getTagsAndDescription().tags.nullableArgs;
        if (typeof tag !== "string" || !resourceOptions.parameters) return;
        const names = new Set(tag.split(",").map((name) => name.trim()));
        resourceOptions.parameters = resourceOptions.parameters.map((parameter) =>
          names.has(parameter.name) ? { ...parameter, notNull: false } : parameter,
        );
      },
    },
  },
};

// Keys the server fills: id, organization_id (and messages.sender_id) come
// from the BEFORE INSERT trigger _000_fill_keys rather than a column DEFAULT
// (PostgREST would publish an SQL expression as the OpenAPI default), so
// PostGraphile is told they have one: create inputs keep them optional.
// db/tests/10_core/test_catalog.sql checks that every such column an API role may
// insert has the trigger.
const SERVER_FILLED = new Set(["id", "organization_id"]);

// Columns a BEFORE INSERT row trigger fills when they are not sent, read from
// the catalog (not kept as a list): the trigger function assigns the column
// from itself, `NEW.col := app_private.take_human_id(..., NEW.col)` (a human
// id such as ECO-000123, the next of the tenant unless sent) or
// `NEW.col := coalesce(NEW.col, ...)` (a defaulting trigger). PostGraphile's
// introspection has no triggers, so they are read once per schema build.
// tests/test_graphql_shape.py fails when such a column is required in a
// create input.
export const TRIGGER_FILLED_COLUMNS_SQL = `
  select c.relname::text as table_name, p.prosrc as source
    from pg_catalog.pg_trigger as t
    join pg_catalog.pg_class as c on c.oid = t.tgrelid
    join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
    join pg_catalog.pg_proc as p on p.oid = t.tgfoid
   where n.nspname = $1 and not t.tgisinternal
     and t.tgtype::integer & 1 = 1 and t.tgtype::integer & 2 = 2 and t.tgtype::integer & 4 = 4`;
const SELF_FILL = /NEW\.(\w+)\s*:=\s*(?:app_private\.take_(?:yearly_)?human_id\s*\([^;]*?NEW\.\1\b|(?:pg_catalog\.)?coalesce\s*\(\s*NEW\.\1\b)/gi;

export function triggerFilledColumns(rows) {
  const filled = new Set();
  for (const { table_name: table, source } of rows) {
    for (const match of source.matchAll(SELF_FILL)) filled.add(`${table}.${match[1].toLowerCase()}`);
  }
  return filled;
}

export const ServerFilledKeysPlugin = {
  name: "ServerFilledKeysPlugin",
  version: "1.1.0",
  gather: {
    namespace: "pulseServerFilled",
    async initialState(_cache, { resolvedPreset }) {
      const pgService = resolvedPreset.pgServices?.[0];
      if (!pgService) return { filled: new Set() };
      const { rows } = await withPgClientFromPgService(pgService, pgService.pgSettingsForIntrospection ?? null,
        (client) => client.query({ text: TRIGGER_FILLED_COLUMNS_SQL, values: [DB_SCHEMA] }));
      return { filled: triggerFilledColumns(rows) };
    },
    hooks: {
      pgCodecs_attribute({ state }, { pgClass, pgAttribute, attribute }) {
        if (pgClass.getNamespace()?.nspname !== DB_SCHEMA) return;
        const filled = SERVER_FILLED.has(pgAttribute.attname) ||
          (pgClass.relname === "messages" && pgAttribute.attname === "sender_id") ||
          state.filled?.has(`${pgClass.relname}.${pgAttribute.attname}`);
        if (filled) attribute.hasDefault = true;
      },
    },
  },
};
