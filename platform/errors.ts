import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { errorFields, logger } from './logger';
import { currentRequestContext } from './request-context';
import { currentRequestBudget, RequestAbandonedError } from './request-budget';

/**
 * The closed set of `extensions.code` values a client of IPS Graph can ever see. Clients branch
 * on these; anything outside the set is turned into INTERNAL_SERVER_ERROR before it leaves a
 * service, so a new code is a deliberate change to this list.
 */
export const ErrorCode = {
  /** An argument or input value is malformed or out of range. */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** The thing named by an id does not exist (or the caller may not know it exists). */
  NOT_FOUND: 'NOT_FOUND',
  /** The request conflicts with the current state (e.g. an illegal state transition). */
  CONFLICT: 'CONFLICT',
  /** The caller is known but not allowed to do this. */
  FORBIDDEN: 'FORBIDDEN',
  /** The caller's credentials are missing, invalid or expired. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The query does not parse. */
  GRAPHQL_PARSE_FAILED: ApolloServerErrorCode.GRAPHQL_PARSE_FAILED,
  /** The query does not match the schema. */
  GRAPHQL_VALIDATION_FAILED: ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED,
  /** The HTTP request itself is malformed (e.g. a missing body). */
  BAD_REQUEST: ApolloServerErrorCode.BAD_REQUEST,
  /** The operation name does not match an operation in the document. */
  OPERATION_RESOLUTION_FAILURE: ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE,
  PERSISTED_QUERY_NOT_FOUND: ApolloServerErrorCode.PERSISTED_QUERY_NOT_FOUND,
  PERSISTED_QUERY_NOT_SUPPORTED: ApolloServerErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
  /** A part of the graph is temporarily unreachable; the rest of the answer is still returned. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /**
   * The operation asks for more than the gateway allows (depth, aliases, directives, repeated
   * fields or estimated cost); `extensions.limit` names which and `extensions.maximum` its value.
   * Refused before any subgraph is called.
   */
  OPERATION_LIMIT_EXCEEDED: 'OPERATION_LIMIT_EXCEEDED',
  /**
   * The client (a signed-in person, or an anonymous client's address) made more requests than the
   * gateway allows per minute; `extensions.retryAfterSeconds` (and the Retry-After header) says
   * when to try again. Answered with HTTP 429 before the operation is looked at.
   */
  RATE_LIMITED: 'RATE_LIMITED',
  /**
   * An invitation to an address outside the email domains the organisation restricts invitations
   * to (`Organisation.invitationDomains`); `extensions.allowedDomains` lists them.
   */
  EMAIL_DOMAIN_NOT_ALLOWED: 'EMAIL_DOMAIN_NOT_ALLOWED',
  /** The answer grew past the response size limit; the part that overflowed is missing. */
  RESPONSE_TOO_LARGE: 'RESPONSE_TOO_LARGE',
  /** Anything unexpected. The message is generic outside development. */
  INTERNAL_SERVER_ERROR: ApolloServerErrorCode.INTERNAL_SERVER_ERROR,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const knownCodes = new Set<string>(Object.values(ErrorCode));

export function isKnownErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && knownCodes.has(code);
}

/** A failure the client caused and can act on; its message is always shown. */
export class DomainError extends GraphQLError {
  constructor(code: Exclude<ErrorCode, 'INTERNAL_SERVER_ERROR'>, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }
}

export const badUserInput = (message: string, argument?: string) =>
  new DomainError(ErrorCode.BAD_USER_INPUT, message, argument ? { argument } : {});
export const notFound = (typeName: string, id: string) =>
  new DomainError(ErrorCode.NOT_FOUND, `${typeName} ${id} was not found.`, { typeName, id });
export const forbidden = (message: string) => new DomainError(ErrorCode.FORBIDDEN, message);
export const unauthenticated = (message: string) => new DomainError(ErrorCode.UNAUTHENTICATED, message);
export const conflict = (message: string, extensions: Record<string, unknown> = {}) =>
  new DomainError(ErrorCode.CONFLICT, message, extensions);

const genericMessage = 'Internal server error';

/**
 * PostgreSQL errors a client's input can cause, by SQLSTATE, and what the client is told instead
 * of the driver's text (which names tables and values). Everything else stays internal.
 */
const databaseErrorCodes: Record<string, { code: ErrorCode; message: string }> = {
  '22P02': { code: ErrorCode.BAD_USER_INPUT, message: 'A value in the request is malformed (for example a cursor or an id).' },
  '22007': { code: ErrorCode.BAD_USER_INPUT, message: 'A date or time in the request is malformed.' },
  '22008': { code: ErrorCode.BAD_USER_INPUT, message: 'A date or time in the request is out of range.' },
  '22003': { code: ErrorCode.BAD_USER_INPUT, message: 'A number in the request is out of range.' },
  '22001': { code: ErrorCode.BAD_USER_INPUT, message: 'A text value in the request is too long.' },
  '22023': { code: ErrorCode.BAD_USER_INPUT, message: 'A value in the request is not allowed.' },
  '23503': { code: ErrorCode.BAD_USER_INPUT, message: 'The request refers to something that does not exist.' },
  '23505': { code: ErrorCode.CONFLICT, message: 'This already exists (someone may have just created it); reload and try again.' },
  '40001': { code: ErrorCode.CONFLICT, message: 'A concurrent change got in the way; try again.' },
};

const dataException = { code: ErrorCode.BAD_USER_INPUT, message: 'A value in the request is malformed or out of range.' };

/** The SQLSTATE of a database error (TypeORM's wrapper or the driver's own), or undefined. */
function sqlStateOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const driverError = (error as { driverError?: { code?: unknown } }).driverError;
  const sqlState = driverError?.code ?? (error as { code?: unknown }).code;
  return typeof sqlState === 'string' ? sqlState : undefined;
}

/** The client-facing form of a database error caused by the request, or undefined. */
export function databaseErrorFor(error: unknown): { code: ErrorCode; message: string } | undefined {
  const sqlState = sqlStateOf(error);
  if (sqlState === undefined) return undefined;
  // Class 22 is "data exception": a value the request carried that PostgreSQL cannot take.
  return databaseErrorCodes[sqlState] ?? (sqlState.startsWith('22') ? dataException : undefined);
}

/**
 * Apollo refuses some malformed requests itself with a 4xx status and no code (a persisted query's
 * unsupported version, a hash that does not match its query): the client's to fix, so BAD_REQUEST
 * with Apollo's message, never an internal error with a stack trace in the log (issue 22).
 */
function isUncodedClientRefusal(error: unknown): error is GraphQLError {
  if (!(error instanceof GraphQLError) || error.extensions.code !== undefined) return false;
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** graphql-js appends "Did you mean …?" to some messages; outside development that leaks the schema. */
function withoutSuggestions(message: string): string {
  return message.replace(/ ?Did you mean [^?]*\?/g, '');
}

/**
 * The one place errors are shaped for clients. Errors with a known code keep their message;
 * everything else (a driver error carrying SQL, a bug's stack) becomes a generic
 * INTERNAL_SERVER_ERROR unless the service runs in development. Used by every subgraph and by the
 * gateway, because the gateway copies subgraph errors through verbatim.
 */
export function createErrorFormatter(options: { development: boolean; log?: (error: unknown) => void }) {
  const log = options.log ?? ((error: unknown) => logger().error(errorFields(error), 'internal error (masked for the client)'));
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (isKnownErrorCode(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      if (options.development) return formatted;
      const { stacktrace: _stacktrace, exception: _exception, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, message: withoutSuggestions(formatted.message), extensions };
    }
    const original = unwrapResolverError(error);
    if (isUncodedClientRefusal(original)) return { message: original.message, extensions: { code: ErrorCode.BAD_REQUEST } };
    const database = databaseErrorFor(original);
    if (database) {
      return {
        message: database.message,
        ...(formatted.path ? { path: formatted.path } : {}),
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        extensions: { code: database.code },
      };
    }
    // The request id leads from a user's report of "Internal server error" to the log lines.
    const requestId = currentRequestContext()?.requestId;
    if (options.development) {
      return {
        ...formatted,
        extensions: { ...formatted.extensions, code: ErrorCode.INTERNAL_SERVER_ERROR, ...(requestId ? { requestId } : {}) },
      };
    }
    // A request whose client went away (or whose budget ran out) is not a fault to log: under load
    // each one logged a stack trace per pending SQL statement. That covers the statements it had
    // running, which we cancelled ourselves (57014 once the budget is spent; a statement_timeout
    // has the same SQLSTATE and is still logged, its request's budget being intact).
    // An error a subgraph already masked (the gateway relays it with that subgraph's request id) was
    // logged, or deliberately not, where it happened: logging it again only doubles the lines.
    const abandoned =
      original instanceof RequestAbandonedError || (sqlStateOf(original) === '57014' && currentRequestBudget()?.signal.aborted === true);
    const maskedUpstream = formatted.message === genericMessage && formatted.extensions?.requestId !== undefined;
    if (!abandoned && !maskedUpstream) log(original);
    return {
      message: genericMessage,
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, ...(requestId ? { requestId } : {}) },
    };
  };
}
