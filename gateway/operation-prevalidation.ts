import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { buildSchema, Lexer, parse, Source, TokenKind, visit, type DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { OperationLimits } from '../platform/config';
import { ErrorCode } from '../platform/errors';
import { currentRequestContext } from '../platform/request-context';
import { checkShapeLimits, type OperationLimit } from './operation-limits';

/**
 * Operation limits counted BEFORE graphql-js validation (issue 22).
 *
 * Apollo validates a new document before any plugin may refuse it without a 500 (a plugin that
 * throws from `parsingDidStart` or `validationDidStart` is answered "Internal server error"), and
 * validation is where an abusive document costs: OverlappingFieldsCanBeMerged compares every pair
 * of fields that share a response name, so 900 repeated `innovations { edges { node { id } } }`
 * took ~240 ms of one core before "Validation aborted.", and Apollo remembers only documents that
 * passed, so the next identical request paid it again. So this stage sits in front of Apollo, as
 * express middleware on `/graphql`: it parses the query text itself (stopping at the token limit)
 * and refuses by counts that cost one pass over the document — tokens, fields, fragments, and the
 * shape limits of gateway/operation-limits.ts (depth, aliases, directives, field repeats), which
 * are syntax alone. Every count here is at most what the post-validation check counts on a valid
 * document, so nothing a client could send before is refused now that would have passed then.
 *
 * Verdicts are remembered by the SHA-256 of the query text (bounded LRU caches): a repeated
 * refused document costs a hash and a lookup, and gets the same refusal; a document that passed is
 * not parsed here again (Apollo keeps its own parsed, validated copy).
 */

/** Why a document was refused, kept for the next request with the same text. */
export interface Refusal {
  limit: OperationLimit;
  maximum: number;
  message: string;
}

export interface PrevalidationOutcome {
  /** Undefined: hand the request on to Apollo (which still parses, validates and checks it). */
  refusal: Refusal | undefined;
  /** The verdict came from memory: the text was neither parsed nor counted this time. */
  remembered: boolean;
}

/** Distinct refused documents remembered; an attacker varying every document gains nothing past it. */
const REFUSED_DOCUMENTS_REMEMBERED = 10_000;
/** Distinct documents remembered as handed on to Apollo (the legitimate ones, mostly). */
const HANDED_ON_DOCUMENTS_REMEMBERED = 10_000;

/** The shape rules look at syntax alone; graphql-js wants some schema to hold the document against. */
const syntaxOnlySchema = buildSchema('type Query { _: Boolean }');

/**
 * Whether the text has more than `maximum` tokens, lexed only as far as `maximum + 1`. Lexing is
 * cheaper than parsing, so an oversized document costs one lexer pass over its first tokens; a
 * lexical error before that is a syntax error, for Apollo to report.
 */
function exceedsTokens(query: string, maximum: number): boolean {
  const lexer = new Lexer(new Source(query));
  try {
    // Comments are not tokens to the parser's limit either (the lexer skips them).
    for (let count = 0; count <= maximum; count += 1) {
      if (lexer.advance().kind === TokenKind.EOF) return false;
    }
    return true;
  } catch {
    // A lexical error within the limit: a syntax error, for Apollo to report.
    return false;
  }
}

function textHash(query: string): string {
  return createHash('sha256').update(query).digest('base64url');
}

/** Field selections and fragments (inline, spreads, definitions) in the document as written. */
function countSelections(document: DocumentNode): { fields: number; fragments: number } {
  let fields = 0;
  let fragments = 0;
  visit(document, {
    Field() {
      fields += 1;
    },
    InlineFragment() {
      fragments += 1;
    },
    FragmentSpread() {
      fragments += 1;
    },
    FragmentDefinition() {
      fragments += 1;
    },
  });
  return { fields, fragments };
}

/** The refusal the query text earns by its counts alone, or `undefined` to hand it on. */
export function countRefusal(limits: OperationLimits, query: string): Refusal | undefined {
  if (exceedsTokens(query, limits.maxTokens)) {
    return {
      limit: 'tokens',
      maximum: limits.maxTokens,
      message: `The operation has more than the ${limits.maxTokens} tokens (names, values and punctuation) allowed.`,
    };
  }
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: limits.maxTokens, noLocation: true });
  } catch {
    // A syntax error is Apollo's to report (GRAPHQL_PARSE_FAILED, with its location).
    return undefined;
  }
  const shape = checkShapeLimits(limits, syntaxOnlySchema, document);
  if (shape) {
    const { limit, maximum } = shape.extensions as { limit: OperationLimit; maximum: number };
    return { limit, maximum, message: shape.message };
  }
  const { fields, fragments } = countSelections(document);
  if (fields > limits.maxFields) {
    return {
      limit: 'fields',
      maximum: limits.maxFields,
      message: `The operation selects more than the ${limits.maxFields} fields allowed.`,
    };
  }
  if (fragments > limits.maxFragments) {
    return {
      limit: 'fragments',
      maximum: limits.maxFragments,
      message: `The operation has more than the ${limits.maxFragments} fragments (inline, spread or defined) allowed.`,
    };
  }
  return undefined;
}

export class OperationPrevalidation {
  private readonly refused = new LRUCache<string, Refusal>({ max: REFUSED_DOCUMENTS_REMEMBERED });
  private readonly handedOn = new LRUCache<string, true>({ max: HANDED_ON_DOCUMENTS_REMEMBERED });

  constructor(private readonly limits: OperationLimits) {}

  check(query: string): PrevalidationOutcome {
    // The limits are fixed for the process, so the text alone decides the verdict.
    const key = textHash(query);
    const remembered = this.refused.get(key);
    if (remembered) return { refusal: remembered, remembered: true };
    if (this.handedOn.has(key)) return { refusal: undefined, remembered: true };
    const refusal = countRefusal(this.limits, query);
    if (refusal) this.refused.set(key, refusal);
    else this.handedOn.set(key, true);
    return { refusal, remembered: false };
  }
}

/** The query text of a GraphQL-over-HTTP request: a POST body's `query`, or a GET's `?query=`. */
function queryText(request: Request): string | undefined {
  const body: unknown = request.body;
  // A batch (an array) is refused by Apollo as a whole; a body without a query text (a persisted
  // query by hash alone) was counted here when its text was registered.
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const query = (body as { query?: unknown }).query;
    if (typeof query === 'string') return query;
  }
  if (request.method === 'GET') {
    const query = (request.query as Record<string, unknown> | undefined)?.query;
    if (typeof query === 'string') return query;
  }
  return undefined;
}

/**
 * Express middleware for `/graphql`: refuses with 400 and OPERATION_LIMIT_EXCEEDED (naming the
 * limit and its maximum, as the post-validation refusals do) before Apollo sees the request.
 * `onRefused` lets the rate limiter charge the client for it.
 */
export function prevalidationMiddleware(
  prevalidation: OperationPrevalidation,
  onRefused?: (request: Request, response: Response) => Promise<void> | void,
): RequestHandler {
  return (request, response, next) => {
    const query = queryText(request);
    if (query === undefined) return next();
    const { refusal } = prevalidation.check(query);
    if (!refusal) return next();
    const answer = () => {
      const requestId = currentRequestContext()?.requestId;
      response
        .status(400)
        .set('cache-control', 'no-store')
        .json({
          errors: [
            {
              message: refusal.message,
              extensions: {
                code: ErrorCode.OPERATION_LIMIT_EXCEEDED,
                limit: refusal.limit,
                maximum: refusal.maximum,
                ...(requestId ? { requestId } : {}),
              },
            },
          ],
        });
    };
    Promise.resolve(onRefused?.(request, response)).then(answer, answer);
  };
}
