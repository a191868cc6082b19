// What a client reads off a failed GraphQL operation: the same code, details
// (the reason code) and hint as PostgREST's error body, in the error's
// `extensions`. This module owns:
// - requestError(): a refusal of the request itself (bad token, no tenant),
//   shown to the client with its HTTP status;
// - maskError: database refusals keep SQLSTATE, reason and hint; broken
//   infrastructure stays masked; an update or delete that matched no row is
//   PT404;
// - refusalOf: functions that refuse by returning null with the header
//   Pulse-Refusal (so that what they recorded commits) become GraphQL errors
//   (read by adaptor.mjs before the commit);
// - RefusalPlugin: app.login and app.refresh's error rows become GraphQL errors.
import { lambda, list, object, SafeError } from "postgraphile/grafast";
import { defaultMaskError } from "postgraphile/grafserv";
import { GraphQLError } from "postgraphile/graphql";
import { wrapPlans } from "postgraphile/utils";
import { LIMITS } from "./limits.mjs";

// SafeError: the message is shown to the client (not masked). grafserv uses
// extensions.statusCode as the HTTP status when thrown from a grafserv hook,
// and the `statusCode` property when thrown from the grafast context callback.
export function requestError(statusCode, code, message, details = null) {
  const error = new SafeError(message, { statusCode, code, ...(details ? { details } : {}) });
  error.statusCode = statusCode;
  return error;
}

// SQLSTATE classes that mean "the infrastructure broke", not "the request was
// refused": connection (08), resources (53), operator intervention (57),
// system (58), config file (F0), internal (XX). These stay masked, except
// 57014 (query_canceled): the statement timeout that bounds every request
// is the client's to know about.
const INTERNAL_SQLSTATE = /^(08|53|57(?!014)|58|F0|XX)/;
const STATEMENT_TIMEOUT_HINT = `A request's statements may run for at most ${LIMITS.statementTimeout} (PULSE_GRAPHQL_STATEMENT_TIMEOUT); ask for less, or page through it.`;

// @dataplan/pg reports an update or delete that matched no row (missing, or
// hidden by RLS) as a plain Error; it is the client's "not found", not ours.
const NOTHING_MATCHED = /^No values were (updated|deleted) in collection /;

export function maskError(error) {
  if (NOTHING_MATCHED.test(error.originalError?.message ?? "")) {
    return new GraphQLError(error.originalError.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      originalError: error.originalError,
      extensions: { code: "PT404", details: null, hint: "The row does not exist or is not yours to change." },
    });
  }
  const pgError = error.originalError;
  if (
    pgError &&
    typeof pgError.severity === "string" &&
    /^[0-9A-Z]{5}$/.test(pgError.code ?? "") &&
    !INTERNAL_SQLSTATE.test(pgError.code)
  ) {
    // Same fields (and names) as PostgREST's error body.
    return new GraphQLError(pgError.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      originalError: pgError,
      extensions: {
        code: pgError.code,
        details: pgError.detail ?? null,
        hint: pgError.hint ?? (pgError.code === "57014" ? STATEMENT_TIMEOUT_HINT : null),
      },
    });
  }
  return defaultMaskError(error);
}

// Functions that refuse without raising, so that what they recorded commits
// (a wrong signature password counts towards the sign-in lockout), set
// response.status and the header Pulse-Refusal for PostgREST and return
// null. The adaptor reads both before it commits an operation's transaction
// (adaptor.mjs); a refusal becomes the operation's error, whatever function
// set it, so such a null never reads as a success.
const REFUSAL_MESSAGES = {
  "signature.wrong_password": "signature refused: the password is wrong; nothing was applied",
};

export function refusalOf({ status, headers }) {
  let reason = null;
  try {
    reason = (JSON.parse(headers || "[]") ?? []).find((header) => header?.["Pulse-Refusal"])?.["Pulse-Refusal"] ?? null;
  } catch {
    return null;
  }
  if (reason == null) return null;
  const statusCode = Number(status) || 403;
  const error = new SafeError(REFUSAL_MESSAGES[reason] ?? `refused (${reason}); nothing was applied`, {
    code: `PT${statusCode}`, details: reason, hint: null,
  });
  return error;
}

// app.login and app.refresh refuse by returning a row whose code, message,
// details and hint are the error (app_private.refuse_grant): PostgREST sends
// it with status 401 as the error body; here it becomes the GraphQL error.
const REFUSED_WITH_ERROR_ROW = ["login", "refresh"];

export const RefusalPlugin = wrapPlans({
  Mutation: {
    ...Object.fromEntries(REFUSED_WITH_ERROR_ROW.map((field) => [field, (plan) => {
      const $payload = plan();
      const $result = $payload.getStepForKey("result");
      const $refused = lambda(
        list([$result.get("code"), $result.get("message"), $result.get("details"), $result.get("hint")]),
        ([code, message, details, hint]) => {
          if (code != null) throw new SafeError(message, { code, details, hint });
          return true;
        },
      );
      return object({ result: $result, refused: $refused });
    }])),
  },
});
