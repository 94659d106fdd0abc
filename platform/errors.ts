import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

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
 * The one place errors are shaped for clients. Errors with a known code keep their message;
 * everything else (a driver error carrying SQL, a bug's stack) becomes a generic
 * INTERNAL_SERVER_ERROR unless the service runs in development. Used by every subgraph and by the
 * gateway, because the gateway copies subgraph errors through verbatim.
 */
export function createErrorFormatter(options: { development: boolean; log?: (error: unknown) => void }) {
  const log = options.log ?? ((error: unknown) => console.error(error));
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (isKnownErrorCode(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      if (options.development) return formatted;
      const { stacktrace: _stacktrace, exception: _exception, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const original = unwrapResolverError(error);
    if (options.development) {
      return { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.INTERNAL_SERVER_ERROR } };
    }
    log(original);
    return {
      message: genericMessage,
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
