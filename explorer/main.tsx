/**
 * The IPS Graph explorer: GraphiQL (bundled from npm by scripts/build-explorer.ts, never loaded
 * from a CDN) with a sign-in panel and the example operations kept in `operations/`.
 * Everything it talks to is the gateway that served it: `/graphql` and `/explorer/*`.
 */
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { StrictMode, useCallback, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import './explorer.css';
import { operationNameFor } from './operation-name';

interface ExplorerSettings {
  /** Development: pick a demo persona and the gateway mints its token. Production: paste a token. */
  signIn: 'personas' | 'token';
  graphqlPath: string;
  apiPath: string;
  /** Development with the GOV.UK Notify stand-in: the emails it took are listed at `${apiPath}/mailbox`. */
  mailbox: boolean;
}

interface Persona {
  key: string;
  name: string;
  jobTitle: string;
  organisation: string;
  roles: string[];
}

interface ExampleOperation {
  name: string;
  operationName: string;
  title: string;
  description: string;
  roles: string[];
  document: string;
  variables: string;
}

interface SignedIn {
  token: string;
  label: string;
  roles: string[];
}

/** Examples marked EVERYONE are offered to every caller; ANONYMOUS stands for no token. */
const everyone = 'EVERYONE';
const anonymous = 'ANONYMOUS';

const settings = JSON.parse(document.getElementById('explorer-settings')!.textContent!) as ExplorerSettings;

async function postGraphQL(body: unknown, token: string | undefined): Promise<unknown> {
  const response = await fetch(settings.graphqlPath, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return response.json();
}

/** Who a token names and with which roles: asked of the graph, so both sign-in modes agree. */
async function describeToken(token: string): Promise<SignedIn> {
  const result = (await postGraphQL(
    { query: '{ viewer { person { name } organisation { name } organisationRoles platformRoles } }' },
    token,
  )) as {
    data?: {
      viewer: { person: { name: string }; organisation: { name: string }; organisationRoles: string[]; platformRoles: string[] } | null;
    };
    errors?: { message: string }[];
  };
  const viewer = result.data?.viewer;
  if (!viewer) throw new Error(result.errors?.[0]?.message ?? 'The token names nobody.');
  return {
    token,
    label: `${viewer.person.name} (${viewer.organisation.name})`,
    roles: [...viewer.organisationRoles, ...viewer.platformRoles],
  };
}

function SignInPanel(props: { signedIn: SignedIn | null; onChange: (signedIn: SignedIn | null) => void }) {
  const [personas, setPersonas] = useState<Persona[]>([]);
  const [pasted, setPasted] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (settings.signIn !== 'personas') return;
    fetch(`${settings.apiPath}/personas`)
      .then((response) => response.json() as Promise<Persona[]>)
      .then(setPersonas, () => setProblem('Could not load the demo personas.'));
  }, []);

  const signIn = (work: Promise<SignedIn>) =>
    work.then(
      (signedIn) => {
        setProblem(null);
        props.onChange(signedIn);
      },
      (error: unknown) => setProblem(error instanceof Error ? error.message : String(error)),
    );

  const pickPersona = (key: string) => {
    if (!key) return props.onChange(null);
    void signIn(
      fetch(`${settings.apiPath}/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ persona: key }),
      })
        .then((response) => response.json() as Promise<{ token?: string; error?: string }>)
        .then((body) => {
          if (!body.token) throw new Error(body.error ?? 'Sign-in failed.');
          return describeToken(body.token);
        }),
    );
  };

  return (
    <div className="ips-sign-in" aria-label="Sign in">
      {settings.signIn === 'personas' ? (
        <label>
          Sign in as{' '}
          <select id="ips-persona" defaultValue="" onChange={(event) => pickPersona(event.target.value)}>
            <option value="">Anonymous (public data only)</option>
            {personas.map((persona) => (
              <option key={persona.key} value={persona.key}>
                {persona.name}, {persona.jobTitle}, {persona.organisation} ({persona.roles.join(', ')})
              </option>
            ))}
          </select>
        </label>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (pasted.trim()) void signIn(describeToken(pasted.trim().replace(/^Bearer\s+/i, '')));
          }}
        >
          <label>
            Bearer token{' '}
            <input id="ips-token" type="password" autoComplete="off" value={pasted} onChange={(event) => setPasted(event.target.value)} />
          </label>{' '}
          <button type="submit">Sign in</button>{' '}
          {props.signedIn && (
            <button type="button" onClick={() => (setPasted(''), props.onChange(null))}>
              Sign out
            </button>
          )}
        </form>
      )}
      <span id="ips-signed-in" className="ips-signed-in">
        {props.signedIn ? `Signed in: ${props.signedIn.label}` : 'Anonymous'}
      </span>
      {problem && (
        <span role="alert" className="ips-problem">
          {problem}
        </span>
      )}
    </div>
  );
}

/** What GraphiQL hands its fetcher: the document as the editor holds it, and its own guess of the name. */
interface FetcherParams {
  query: string;
  operationName?: string | null;
  variables?: unknown;
}

/** What the editors show: the example chosen in the menu (its file name), and its text. */
interface Shown {
  example: string;
  query: string;
  variables: string;
  /** The opening welcome, replaced by the next caller's own welcome until it is edited. */
  welcome: boolean;
}

function mayRun(example: ExampleOperation, roles: string[]): boolean {
  return example.roles.some((role) => role === everyone || roles.includes(role));
}

function asComment(text: string, width = 60): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * The page opens on this rather than GraphiQL's generic welcome: what the explorer offers, then
 * the first example the caller may run, ready to run.
 */
function welcome(example: ExampleOperation, signedIn: SignedIn | null): Shown {
  const who = signedIn
    ? `You are signed in as ${signedIn.label}, with the roles ${signedIn.roles.join(', ')}.`
    : settings.signIn === 'personas'
      ? 'You are not signed in. Pick a demo persona above (a council buyer, a supplier, an assessor, an analyst…) to see the graph as that person sees it.'
      : 'You are not signed in. Paste a bearer token from the identity provider above to see the graph as yourself.';
  const text = [
    'IPS Graph explorer',
    '',
    ...asComment(who),
    ...asComment(
      'The Examples menu holds ready-made operations: first those for your roles, then those for other roles, which show how the graph refuses what you may not see.',
    ),
    ...asComment('Run with the ▶ button or Ctrl-Enter; the results appear on the right.'),
    '',
    ...asComment(`For you first: ${example.title}. ${example.description}`),
  ];
  return {
    example: example.name,
    query: `${text.map((line) => (line ? `# ${line}` : '#')).join('\n')}\n\n${example.document}\n`,
    variables: example.variables,
    welcome: true,
  };
}

interface MailboxEmail {
  id: string;
  to: string;
  subject: string;
  body: string;
  reference: string | null;
  sentAt: string;
}

/** How often an open mailbox asks for new emails. */
const mailboxRefreshMs = 3_000;

/** The emails the Notify stand-in took, newest first, refreshed while open: notices arriving as a workflow runs. */
function MailboxPanel() {
  const [emails, setEmails] = useState<MailboxEmail[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    const load = () =>
      fetch(`${settings.apiPath}/mailbox`)
        .then((response) => response.json() as Promise<{ emails?: MailboxEmail[]; error?: string }>)
        .then(
          (answer) => {
            setProblem(answer.error ?? null);
            if (answer.emails) setEmails(answer.emails);
          },
          () => setProblem('The gateway did not answer.'),
        );
    void load();
    const timer = setInterval(() => void load(), mailboxRefreshMs);
    return () => clearInterval(timer);
  }, []);
  return (
    <aside id="ips-mailbox" className="ips-mailbox" aria-label="Mailbox">
      <h2>Mailbox (GOV.UK Notify stand-in)</h2>
      {problem && (
        <p role="alert" className="ips-problem">
          {problem}
        </p>
      )}
      {emails.length === 0 && !problem && <p>No email yet: run a workflow that notifies someone.</p>}
      {emails.map((email) => (
        <article key={email.id} className="ips-email">
          <header>
            <strong>{email.subject}</strong>
            <br />
            To {email.to}, {new Date(email.sentAt).toLocaleString()}
          </header>
          <pre>{email.body}</pre>
        </article>
      ))}
    </aside>
  );
}

function Explorer() {
  const [signedIn, setSignedIn] = useState<SignedIn | null>(null);
  const [examples, setExamples] = useState<ExampleOperation[] | null>(null);
  const [shown, setShown] = useState<Shown | undefined>();
  const [mailboxOpen, setMailboxOpen] = useState(false);
  // What the query editor holds now (GraphiQL reports every change), to tell an edited welcome.
  const editedQuery = useRef<string | undefined>(undefined);

  const show = (next: Shown) => {
    editedQuery.current = next.query;
    setShown(next);
  };

  useEffect(() => {
    fetch(`${settings.apiPath}/operations.json`)
      .then((response) => response.json() as Promise<ExampleOperation[]>)
      .then(
        (loaded) => {
          setExamples(loaded);
          const first = loaded.find((example) => mayRun(example, [anonymous]));
          if (first) show(welcome(first, null));
        },
        () => setExamples([]),
      );
  }, []);

  const roles = signedIn ? signedIn.roles : [anonymous];
  const forYou = (examples ?? []).filter((example) => mayRun(example, roles));
  const forOthers = (examples ?? []).filter((example) => !mayRun(example, roles));

  const choose = (name: string) => {
    const example = examples?.find((e) => e.name === name);
    if (example) show({ example: example.name, query: example.document, variables: example.variables, welcome: false });
  };

  const changeCaller = (next: SignedIn | null) => {
    // The opening welcome, as yet unedited, gives way to the new caller's own; anything else stays.
    const first = (examples ?? []).find((example) => mayRun(example, next ? next.roles : [anonymous]));
    if (shown?.welcome && editedQuery.current === shown.query && first) show(welcome(first, next));
    setSignedIn(next);
  };

  // A new fetcher per sign-in: GraphiQL then reloads the schema as the new caller, which matters
  // in production, where only analysts and platform admins may introspect. (It is not remounted:
  // that lost the caller's edits and opened a new tab at every sign-in.)
  const token = signedIn?.token;
  const fetcher = useCallback(
    (params: FetcherParams) =>
      postGraphQL({ ...params, operationName: operationNameFor(params.query, params.operationName) }, token) as Promise<any>,
    [token],
  );

  return (
    <div className="ips-explorer">
      <header className="ips-bar">
        <strong className="ips-title">IPS Graph explorer</strong>
        <SignInPanel signedIn={signedIn} onChange={changeCaller} />
        <label className="ips-examples">
          Examples{' '}
          <select id="ips-example" value={shown?.example ?? ''} onChange={(event) => choose(event.target.value)}>
            <option value="" disabled>
              Choose an example…
            </option>
            <optgroup id="ips-examples-yours" label="For your roles">
              {forYou.map((example) => (
                <option key={example.name} value={example.name} title={example.description}>
                  {example.title}
                </option>
              ))}
            </optgroup>
            {forOthers.length > 0 && (
              <optgroup id="ips-examples-others" label="For other roles (you may be refused)">
                {forOthers.map((example) => (
                  <option key={example.name} value={example.name} title={`${example.description} (For ${example.roles.join(', ')}.)`}>
                    {example.title}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
        {settings.mailbox && (
          <button id="ips-mailbox-toggle" type="button" aria-expanded={mailboxOpen} onClick={() => setMailboxOpen(!mailboxOpen)}>
            {mailboxOpen ? 'Close mailbox' : 'Mailbox'}
          </button>
        )}
      </header>
      <main className="ips-graphiql">
        {/* Mounted once the examples are in, so it opens on the welcome, never on GraphiQL's own. */}
        {examples !== null && (
          <GraphiQL
            fetcher={fetcher}
            query={shown?.query}
            variables={shown?.variables}
            onEditQuery={(query) => (editedQuery.current = query)}
            isHeadersEditorEnabled={false}
            defaultEditorToolsVisibility="variables"
          />
        )}
      </main>
      {mailboxOpen && <MailboxPanel />}
    </div>
  );
}

createRoot(document.getElementById('explorer')!).render(
  <StrictMode>
    <Explorer />
  </StrictMode>,
);
