import type { GraphQLFormattedError } from 'graphql';
import { SignJWT } from 'jose';
import { demoPersona } from '../../demo-data/personas';
import { developmentTokenAudience, developmentTokenIssuer, developmentTokenSecret } from '../../platform/config';

/**
 * The one set of helpers tests use to read GraphQL answers and to sign in as demo personas, whatever
 * ran the operation: the in-process graph (graph-harness), HTTP services, or a subgraph server.
 */

/** A GraphQL answer: `data` and/or `errors`, as every harness returns it. */
export interface GraphQLAnswer<TData = unknown> {
  data?: TData | null;
  errors?: readonly GraphQLFormattedError[];
}

/**
 * The data of an operation whose shape a test does not name (it reads a field or two). Name the shape
 * (`expectData<MyQuery>`) when a test reads lists or many fields, so a typo fails the type check.
 */
export type UntypedData = Record<string, any>;

/** A page of a Relay-style connection, for typing the data tests read. */
export interface Connection<TNode> {
  totalCount: number;
  edges: { cursor: string; node: TNode }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * The data of an answer that must have succeeded. Throws with the errors or the payload's refusal
 * printed (code, message, path) when there are any, so a failing test says why instead of "cannot
 * read x of undefined".
 */
export function expectData<TData>(answer: GraphQLAnswer<TData>): TData {
  if (answer.errors?.length) throw new Error(`Expected data, got errors:\n${JSON.stringify(answer.errors, null, 2)}`);
  // A refused mutation has data too: its payload's `refusal`. Expecting data means expecting the change.
  const refused = payloadRefusals(answer);
  if (refused.length) throw new Error(`Expected the change, got a refusal:\n${JSON.stringify(refused, null, 2)}`);
  if (answer.data == null) throw new Error('Expected data, got none (and no errors).');
  return answer.data;
}

/**
 * The refusals in a mutation's answer: each top-level payload's `refusal` (schema/refusals.graphql),
 * in field order, with its null facts left out. Queries and payloads that were not refused give none.
 */
function payloadRefusals(answer: GraphQLAnswer): Refusal[] {
  const data = answer.data;
  if (typeof data !== 'object' || data === null) return [];
  return Object.values(data as Record<string, unknown>).flatMap((field) => {
    const refusal = (field as { refusal?: Refusal | null } | null)?.refusal;
    return refusal ? [Object.fromEntries(Object.entries(refusal).filter(([, fact]) => fact !== null)) as Refusal] : [];
  });
}

/** The code of each refusal in the payloads, then the `extensions.code` of each error; [] when there are neither. */
export function codesOf(answer: GraphQLAnswer): unknown[] {
  return [...payloadRefusals(answer).map((refusal) => refusal.code), ...(answer.errors ?? []).map((error) => error.extensions?.code)];
}

/**
 * An expected refusal: a payload's `refusal` with the facts it was asked for, or an error's code and
 * message with its extensions (UNAUTHENTICATED and the like).
 */
export interface Refusal {
  code: unknown;
  message: string;
  [fact: string]: unknown;
}

/**
 * The refusal of an answer that must have been refused: the first payload's `refusal`, else the
 * first error. Throws (printing the data) when the change was made.
 */
export function refusalOf(answer: GraphQLAnswer): Refusal {
  const [refusal] = payloadRefusals(answer);
  if (refusal) return refusal;
  const [error] = answer.errors ?? [];
  if (!error) throw new Error(`Expected a refusal, got data:\n${JSON.stringify(answer.data, null, 2)}`);
  return { ...error.extensions, code: error.extensions?.code, message: error.message };
}

/** Anything that mints development tokens: the in-process graph, the HTTP graph. */
export interface TokenMinter {
  tokenFor(email: string): Promise<string>;
}

/** The Authorization header a demo persona (by key) signs in with; undefined for `null`, the anonymous caller. */
export async function asPersona(graph: TokenMinter, persona: string | null): Promise<string | undefined> {
  return persona === null ? undefined : `Bearer ${await graph.tokenFor(demoPersona(persona).email)}`;
}

/**
 * Signs every persona in once (tokens cost a signature each) and returns the lookup tests call per
 * request; a key that was not signed in throws rather than silently sending an anonymous request.
 */
export async function signInAll<TKey extends string>(graph: TokenMinter, personas: readonly TKey[]): Promise<(persona: TKey) => string> {
  const headers = new Map<string, string>();
  for (const persona of personas) headers.set(persona, (await asPersona(graph, persona))!);
  return (persona) => {
    const header = headers.get(persona);
    if (!header) throw new Error(`${persona} was not signed in: add it to signInAll's list.`);
    return header;
  };
}

/**
 * A development bearer token for `email`, as the development issuer signs it (verified email;
 * subject `subject`, by default the email as demo sign-ins use). For services over HTTP, which have
 * no in-process `tokenFor`.
 */
export async function developmentBearer(email: string, subject = email): Promise<string> {
  const token = await new SignJWT({ email, email_verified: true })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setIssuer(developmentTokenIssuer)
    .setAudience(developmentTokenAudience)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(developmentTokenSecret));
  return `Bearer ${token}`;
}

/** An answer over HTTP: the GraphQL body and the status it came with. */
export interface HttpAnswer<TData = unknown> extends GraphQLAnswer<TData> {
  status: number;
}

/** POSTs an operation to a GraphQL endpoint, with `authorization` as the Authorization header when given. */
export async function postGraphQL<TData = unknown>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  authorization?: string,
): Promise<HttpAnswer<TData>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization) headers.authorization = authorization;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return { status: response.status, ...((await response.json()) as GraphQLAnswer<TData>) };
}

/** Runs an operation with an Authorization header (undefined: anonymous): the in-process graph, for one. */
export interface OperationRunner<TAnswer extends GraphQLAnswer<UntypedData>> {
  execute(query: string, variables?: Record<string, unknown>, authorization?: string): Promise<TAnswer>;
}

/** `run` and `ok` as a test file's callers use them: by key, or anonymously when no key is given. */
export interface Callers<TAnswer extends GraphQLAnswer<UntypedData>> {
  /** The answer, whatever it is. */
  run(query: string, variables?: Record<string, unknown>, caller?: string): Promise<TAnswer>;
  /** The data of an answer that must succeed (expectData). */
  ok(query: string, variables?: Record<string, unknown>, caller?: string): Promise<UntypedData>;
}

/**
 * The `run`/`ok` pair test files used to write for themselves, over one graph: `header` turns a
 * caller's key into its Authorization header (signInAll's lookup, which throws for a key nobody
 * signed in, rather than silently asking anonymously).
 */
export function callersOf<TAnswer extends GraphQLAnswer<UntypedData>>(
  graph: OperationRunner<TAnswer>,
  header: (caller: string) => string,
): Callers<TAnswer> {
  const run = (query: string, variables: Record<string, unknown> = {}, caller?: string) =>
    graph.execute(query, variables, caller === undefined ? undefined : header(caller));
  return { run, ok: async (query, variables, caller) => expectData(await run(query, variables, caller)) };
}
