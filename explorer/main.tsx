/**
 * The IPS Graph explorer: GraphiQL (bundled from npm by scripts/build-explorer.ts, never loaded
 * from a CDN) with a sign-in panel and the example operations kept in `operations/`.
 * Everything it talks to is the gateway that served it: `/graphql` and `/explorer/*`.
 */
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { StrictMode, useCallback, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import './explorer.css';

interface ExplorerSettings {
  /** Development: pick a demo persona and the gateway mints its token. Production: paste a token. */
  signIn: 'personas' | 'token';
  graphqlPath: string;
  apiPath: string;
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
    data?: { viewer: { person: { name: string }; organisation: { name: string }; organisationRoles: string[]; platformRoles: string[] } | null };
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
            <input
              id="ips-token"
              type="password"
              autoComplete="off"
              value={pasted}
              onChange={(event) => setPasted(event.target.value)}
            />
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

function Explorer() {
  const [signedIn, setSignedIn] = useState<SignedIn | null>(null);
  const [examples, setExamples] = useState<ExampleOperation[]>([]);
  const [chosen, setChosen] = useState<{ query: string; variables: string } | undefined>();

  useEffect(() => {
    fetch(`${settings.apiPath}/operations.json`)
      .then((response) => response.json() as Promise<ExampleOperation[]>)
      .then(setExamples, () => setExamples([]));
  }, []);

  const roles = signedIn ? signedIn.roles : [anonymous];
  const offered = examples.filter((example) => example.roles.some((role) => role === everyone || roles.includes(role)));

  // A new fetcher per sign-in: GraphiQL then reloads the schema as the new caller, which matters
  // in production, where only analysts and platform admins may introspect.
  const token = signedIn?.token;
  const fetcher = useCallback((params: unknown) => postGraphQL(params, token) as Promise<any>, [token]);
  const key = useMemo(() => token ?? anonymous, [token]);

  return (
    <div className="ips-explorer">
      <header className="ips-bar">
        <strong className="ips-title">IPS Graph explorer</strong>
        <SignInPanel signedIn={signedIn} onChange={setSignedIn} />
        <label className="ips-examples">
          Examples{' '}
          <select
            id="ips-example"
            value=""
            onChange={(event) => {
              const example = offered.find((e) => e.name === event.target.value);
              if (example) setChosen({ query: example.document, variables: example.variables });
            }}
          >
            <option value="">Choose an example for your role…</option>
            {offered.map((example) => (
              <option key={example.name} value={example.name} title={example.description}>
                {example.title}
              </option>
            ))}
          </select>
        </label>
      </header>
      <main className="ips-graphiql">
        <GraphiQL
          key={key}
          fetcher={fetcher}
          query={chosen?.query}
          variables={chosen?.variables}
          isHeadersEditorEnabled={false}
          defaultEditorToolsVisibility="variables"
        />
      </main>
    </div>
  );
}

createRoot(document.getElementById('explorer')!).render(
  <StrictMode>
    <Explorer />
  </StrictMode>,
);
