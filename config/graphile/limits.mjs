// Cost limits of the GraphQL server (docs/security.md, "Limits"). PostgREST's
// counterparts are db-max-rows in config/postgrest.conf and the API roles'
// statement_timeout. This module owns:
//
// - Depth, aliases and cost are graphql-js validation rules: a refused
//   document never reaches the planner or the database, and the verdict is
//   cached with the document (CostLimitsPlugin adds them).
// - Every connection (and simple list) gets a page size: `first`/`last` above
//   the cap or below 0 are refused, and without either the default page size
//   applies. Literal values are refused by validation, variables when the
//   operation runs.
// - Every operation runs with a statement_timeout (LIMITS.statementTimeout,
//   put in pgSettings by ./auth.mjs, so it is set per transaction as the API
//   role's own setting is by PostgREST).
// - Introspection needs a signed-in caller (asksForIntrospection, used by
//   ./auth.mjs).
import { access, constant, lambda, SafeError } from "postgraphile/grafast";
import { GraphQLError, getNamedType, Kind, parse } from "postgraphile/graphql";

function positiveInteger(name, fallback) {
  const raw = process.env[name] ?? String(fallback);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}

export const LIMITS = Object.freeze({
  maxDepth: positiveInteger("PULSE_GRAPHQL_MAX_DEPTH", 10),
  maxAliases: positiveInteger("PULSE_GRAPHQL_MAX_ALIASES", 20),
  maxCost: positiveInteger("PULSE_GRAPHQL_MAX_COST", 50000),
  maxPageSize: positiveInteger("PULSE_GRAPHQL_MAX_PAGE_SIZE", 100),
  defaultPageSize: positiveInteger("PULSE_GRAPHQL_DEFAULT_PAGE_SIZE", 100),
  statementTimeout: process.env.PULSE_GRAPHQL_STATEMENT_TIMEOUT || "5s",
});

if (LIMITS.defaultPageSize > LIMITS.maxPageSize) {
  throw new Error("PULSE_GRAPHQL_DEFAULT_PAGE_SIZE must not exceed PULSE_GRAPHQL_MAX_PAGE_SIZE");
}

// The code of every refusal: SQLSTATE 54001 (statement_too_complex), which
// PostgREST also answers for a request beyond the database's limits; the
// reason (which limit) is in `details`, as the database's refusals carry it.
const LIMIT_CODE = "54001";

function limitExtensions(reason, hint) {
  return { code: LIMIT_CODE, details: reason, hint };
}

const INTROSPECTION_FIELDS = new Set(["__schema", "__type"]);

function pageSizeError(argument, value) {
  return `${argument}: ${value} is outside the page size limit: 0 to ${LIMITS.maxPageSize} rows per page (PULSE_GRAPHQL_MAX_PAGE_SIZE)`;
}

// Depth, aliases and cost of each operation, fragments expanded. A field with
// a `first` argument (a connection or list of rows) multiplies the cost of
// what it selects by its page size: `first`/`last` when given as literals,
// the cap when given as variables, else the default page size.
function measure(context, operation, fragments) {
  const schema = context.getSchema();
  const totals = { depth: 0, aliases: 0, cost: 0 };
  const expanding = new Set();

  function pageSize(field) {
    let size = null;
    for (const argument of field.arguments ?? []) {
      if (argument.name.value !== "first" && argument.name.value !== "last") continue;
      if (argument.value.kind === Kind.INT) size = Math.max(size ?? 0, Number(argument.value.value));
      else if (argument.value.kind === Kind.VARIABLE) size = LIMITS.maxPageSize;
    }
    return Math.max(0, Math.min(size ?? LIMITS.defaultPageSize, LIMITS.maxPageSize));
  }

  function walk(selectionSet, parentType, depth, multiplier) {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (selection.alias) totals.aliases += 1;
        if (INTROSPECTION_FIELDS.has(name)) continue; // only signed-in callers; answered from memory
        totals.depth = Math.max(totals.depth, depth + 1);
        totals.cost += multiplier;
        const definition = parentType?.getFields?.()[name];
        if (!selection.selectionSet || !definition) continue;
        const paged = definition.args.some((a) => a.name === "first");
        walk(selection.selectionSet, getNamedType(definition.type), depth + 1, paged ? multiplier * pageSize(selection) : multiplier);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parentType;
        walk(selection.selectionSet, type, depth, multiplier);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || expanding.has(fragment)) continue; // NoFragmentCycles reports cycles
        expanding.add(fragment);
        walk(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value), depth, multiplier);
        expanding.delete(fragment);
      }
    }
  }

  const root =
    operation.operation === "query"
      ? schema.getQueryType()
      : operation.operation === "mutation"
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  walk(operation.selectionSet, root, 0, 1);
  return totals;
}

// One validation rule for depth, aliases, cost and literal page sizes.
export function CostLimitsRule(context) {
  return {
    Document(document) {
      const fragments = new Map();
      for (const definition of document.definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
      }
      for (const operation of document.definitions) {
        if (operation.kind !== Kind.OPERATION_DEFINITION) continue;
        const { depth, aliases, cost } = measure(context, operation, fragments);
        if (depth > LIMITS.maxDepth) {
          context.reportError(
            new GraphQLError(`The query is ${depth} levels deep; the depth limit is ${LIMITS.maxDepth} (PULSE_GRAPHQL_MAX_DEPTH).`, {
              nodes: [operation],
              extensions: limitExtensions("graphql.max_depth", "Fetch deeper levels with a separate query."),
            }),
          );
        }
        if (aliases > LIMITS.maxAliases) {
          context.reportError(
            new GraphQLError(`The query uses ${aliases} aliases; the alias limit is ${LIMITS.maxAliases} (PULSE_GRAPHQL_MAX_ALIASES).`, {
              nodes: [operation],
              extensions: limitExtensions("graphql.max_aliases", "Send fewer aliased fields per query."),
            }),
          );
        }
        if (cost > LIMITS.maxCost) {
          context.reportError(
            new GraphQLError(`The query could read ${cost} values; the cost limit is ${LIMITS.maxCost} (PULSE_GRAPHQL_MAX_COST).`, {
              nodes: [operation],
              extensions: limitExtensions(
                "graphql.max_cost",
                "Ask for smaller pages (first/last) on nested connections, or fewer fields.",
              ),
            }),
          );
        }
      }
    },
    Argument(argument) {
      const name = argument.name.value;
      if ((name !== "first" && name !== "last") || argument.value.kind !== Kind.INT) return;
      const value = Number(argument.value.value);
      if (value < 0 || value > LIMITS.maxPageSize) {
        context.reportError(
          new GraphQLError(pageSizeError(name, value), {
            nodes: [argument],
            extensions: limitExtensions("graphql.max_page_size", "Page through the rows with first/after."),
          }),
        );
      }
    },
  };
}

// The page a connection reads: checks first/last given through variables
// (literals were checked by validation) and applies the default page size
// when neither is given.
function pageOf([first, last]) {
  for (const [name, value] of [["first", first], ["last", last]]) {
    if (value != null && (value < 0 || value > LIMITS.maxPageSize)) {
      throw new SafeError(pageSizeError(name, value), limitExtensions("graphql.max_page_size", "Page through the rows with first/after."));
    }
  }
  return { first: first ?? (last == null ? LIMITS.defaultPageSize : null), last: last ?? null };
}

// Takes first/last over from PgFirstLastBeforeAfterArgsPlugin: their
// applyPlan is removed, and the field's plan sets both from pageOf().
export const PageSizePlugin = {
  name: "PulsePageSizePlugin",
  version: "1.0.0",
  after: ["PgFirstLastBeforeAfterArgsPlugin"],
  schema: {
    hooks: {
      GraphQLObjectType_fields_field(field, build, context) {
        const { isPgFieldConnection, isPgFieldSimpleCollection } = context.scope;
        if (!(isPgFieldConnection || isPgFieldSimpleCollection) || typeof field.plan !== "function") return field;
        const plan = field.plan;
        return {
          ...field,
          plan($parent, fieldArgs, info) {
            const $rows = plan($parent, fieldArgs, info);
            const has = (name) => info.field.args.some((a) => a.name === name);
            if (typeof $rows?.setFirst !== "function" || !has("first")) return $rows;
            const $page = lambda([fieldArgs.getRaw("first"), has("last") ? fieldArgs.getRaw("last") : constant(null)], pageOf);
            $rows.setFirst(access($page, "first"));
            if (has("last")) $rows.setLast(access($page, "last"));
            return $rows;
          },
        };
      },
      GraphQLObjectType_fields_field_args_arg(arg, build, context) {
        const { isPgFieldConnection, isPgFieldSimpleCollection, argName } = context.scope;
        if (!(isPgFieldConnection || isPgFieldSimpleCollection)) return arg;
        if (argName !== "first" && argName !== "last") return arg;
        return { ...arg, applyPlan: undefined };
      },
    },
  },
};

// The cost limits join graphql-js's own validation rules.
export const CostLimitsPlugin = {
  name: "PulseCostLimitsPlugin",
  version: "1.0.0",
  grafserv: {
    middleware: {
      setPreset(next, event) {
        event.validationRules.push(CostLimitsRule);
        return next();
      },
    },
  },
};

// True when the document asks for the schema (__schema or __type anywhere).
export function asksForIntrospection(query) {
  if (typeof query !== "string" || !/__(schema|type)\b/.test(query)) return false;
  let document;
  try {
    document = parse(query);
  } catch {
    return false; // the server reports the syntax error itself
  }
  const found = { value: false };
  const visit = (node) => {
    if (found.value || node == null || typeof node !== "object") return;
    if (node.kind === Kind.FIELD && INTROSPECTION_FIELDS.has(node.name.value)) {
      found.value = true;
      return;
    }
    for (const child of Object.values(node)) {
      if (Array.isArray(child)) child.forEach(visit);
      else if (child && typeof child === "object" && child.kind) visit(child);
    }
  };
  visit(document);
  return found.value;
}
