// Custom fields over GraphQL (docs/platform/custom-fields.md).
//
// Filtering: postgraphile-plugin-connection-filter has jsonb operators
// (contains, containsKey, containsAllKeys, containsAnyKeys, containedBy),
// but PostGraphile does not offer a jsonb column for filtering by default
// (jsonb has no "natural equality"); this plugin offers `custom_fields`,
// whose GIN index serves `contains`:
//   projects(filter: {customFields: {contains: {risk_class: "high"}}})
//
// Sorting by a key inside a jsonb column is not offered by PostGraphile or
// the filter plugin, and the keys are per-tenant data, so they cannot be
// enum values of `orderBy`. This plugin adds one argument to every
// connection and list of a table with a `custom_fields` column:
//   projects(orderByCustomFields: [{code: "wall_thickness", direction: DESC}])
// ordering by the value of `custom_fields -> code` (numbers numerically,
// text alphabetically, absent values last), before `orderBy` and the primary
// key; cursors (after/before) work with it. The code is sent as a bound value, never spliced into SQL; each
// distinct list of codes plans once (the plan depends on it).
import { TYPES } from "postgraphile/@dataplan/pg";
import { sql } from "postgraphile/pg-sql2";

const COLUMN = "custom_fields";
const ORDER_TYPE = "CustomFieldOrder";
const DIRECTION_TYPE = "CustomFieldOrderDirection";

// Three sort keys per code, none ever NULL and each a plain scalar, so a
// page's cursor holds them and reads them back (a NULL in a cursor matches
// nothing on the next page; a jsonb cursor value is not read back as JSON):
// whether the row has the value (rows without it last, in both
// directions), the value as a number (numbers sort numerically), the value
// as text (text, dates and codes sort alphabetically).
function orderByCustomFields(orders) {
  return (queryBuilder) => {
    for (const { code, direction } of orders ?? []) {
      const value = sql`(${queryBuilder.alias}.${sql.identifier(COLUMN)} -> ${sql.value(code)})`;
      const dir = direction === "DESC" ? "DESC" : "ASC";
      queryBuilder.orderBy({ fragment: sql`(${value} IS NOT NULL)`, codec: TYPES.boolean, direction: "DESC" });
      queryBuilder.orderBy({
        fragment: sql`coalesce(CASE WHEN jsonb_typeof(${value}) = 'number' THEN (${value})::numeric END, 0)`,
        codec: TYPES.numeric,
        direction: dir,
      });
      queryBuilder.orderBy({ fragment: sql`coalesce(${value} #>> '{}', '')`, codec: TYPES.text, direction: dir });
    }
  };
}

export const CustomFieldOrderPlugin = {
  name: "PulseCustomFieldOrderPlugin",
  version: "1.0.0",
  // Added before orderBy, so its order comes first (orderBy defaults to the primary key).
  before: ["PgConnectionArgOrderByPlugin"],
  schema: {
    entityBehavior: {
      pgCodecAttribute: {
        inferred(behavior, [codec, attributeName]) {
          if (attributeName !== COLUMN || !codec.extensions?.isTableLike) return behavior;
          return [behavior, "+attribute:filterBy"];
        },
      },
    },
    hooks: {
      init(_, build) {
        const { GraphQLNonNull, GraphQLString } = build.graphql;
        build.registerEnumType(DIRECTION_TYPE, {}, () => ({
          description: "Direction of an order by a custom field.",
          values: { ASC: { value: "ASC" }, DESC: { value: "DESC" } },
        }), "Pulse custom field order direction");
        build.registerInputObjectType(ORDER_TYPE, {}, () => ({
          description: "Orders rows by the value of one of their custom fields (its code, e.g. wall_thickness).",
          fields: {
            code: { type: new GraphQLNonNull(GraphQLString), description: "The custom field's code." },
            direction: { type: build.getTypeByName(DIRECTION_TYPE), description: "ASC (default) or DESC." },
          },
        }), "Pulse custom field order");
        return _;
      },
      GraphQLObjectType_fields_field_args(args, build, context) {
        const { isPgFieldConnection, isPgFieldSimpleCollection, pgFieldResource } = context.scope;
        if (!(isPgFieldConnection || isPgFieldSimpleCollection)) return args;
        if (!pgFieldResource?.codec?.attributes?.[COLUMN] || pgFieldResource.isUnique) return args;
        const { GraphQLList, GraphQLNonNull } = build.graphql;
        return build.extend(args, {
          orderByCustomFields: {
            description: "Order by custom field values, before orderBy: numbers numerically, text, dates and codes alphabetically, rows without the value last (in both directions).",
            type: new GraphQLList(new GraphQLNonNull(build.getTypeByName(ORDER_TYPE))),
            applyPlan(_parent, $target, fieldArg) {
              const $select = isPgFieldConnection ? $target.getSubplan() : $target;
              // Evaluated while planning (the plan varies with the codes asked
              // for), so these orders come before orderBy's, which are also set
              // while planning; a runtime order would come after them.
              orderByCustomFields(fieldArg.getRaw().eval())($select);
            },
          },
        }, "Adding orderByCustomFields to a connection of a table with custom fields");
      },
    },
  },
};
