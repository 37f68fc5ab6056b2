// The staff console: sign in (password, TOTP when the account has one, or a demo persona),
// then GraphiQL with the docs, the explorer and example operations. Nothing is persisted:
// GraphiQL's storage is this tab's memory, and the tokens are in session.js.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';
import './console.css';

import { useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { explorerPlugin } from '@graphiql/plugin-explorer';
import { useGraphiQL, useGraphiQLActions } from '@graphiql/react';

import { EXAMPLES } from './examples.js';
import * as session from './session.js';

/** A Storage that forgets on reload: GraphiQL keeps tabs and history here, not on disk. */
class MemoryStorage {
  #items = new Map();
  get length() { return this.#items.size; }
  key(index) { return [...this.#items.keys()][index] ?? null; }
  getItem(key) { return this.#items.has(key) ? this.#items.get(key) : null; }
  setItem(key, value) { this.#items.set(key, String(value)); }
  removeItem(key) { this.#items.delete(key); }
  clear() { this.#items.clear(); }
}

function ExamplesPane() {
  const queryEditor = useGraphiQL((state) => state.queryEditor);
  const variableEditor = useGraphiQL((state) => state.variableEditor);
  const { run, setOperationName } = useGraphiQLActions();
  const open = (example, andRun) => {
    queryEditor?.setValue(example.query);
    variableEditor?.setValue(example.variables || '');
    // GraphiQL learns the operation name from the editor a moment later; a run before that
    // would send the previous example's name, so name the first operation now
    const code = example.query.replace(/#.*$/gm, '');
    setOperationName(/\b(?:query|mutation|subscription)\s+(\w+)/.exec(code)?.[1] ?? '');
    if (andRun) setTimeout(run, 0);
  };
  return (
    <section className="cg-examples">
      <div className="graphiql-doc-explorer-title">Examples</div>
      <p>One operation per kind of user; each shows what its persona sees (sign in as it).</p>
      <ul>
        {EXAMPLES.map((example) => (
          <li key={example.id}>
            <button type="button" data-example={example.id} disabled={!queryEditor}
              onClick={() => open(example, false)}>
              {example.title}
            </button>
            <button type="button" className="cg-run" disabled={!queryEditor}
              title={`Open and run ${example.title}`}
              aria-label={`Run ${example.title}`} onClick={() => open(example, true)}>▶</button>
            <small>{example.who}</small>
          </li>
        ))}
      </ul>
    </section>
  );
}

const WELCOME = `# The claimgraph staff console. Examples (Ex, left) opens an operation per kind of
# user; Docs (book) is the schema; the explorer (folder) builds a query by ticking fields.
query Me { me { email displayName role } }
`;

const EXAMPLES_PLUGIN = {
  title: 'Examples',
  icon: () => <span className="cg-examples-icon" aria-hidden="true">Ex</span>,
  content: ExamplesPane,
};

function SignIn({ onSignedIn, message }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [askTotp, setAskTotp] = useState(false);
  const [error, setError] = useState(message || '');
  const [busy, setBusy] = useState(false);
  const [personas, setPersonas] = useState([]);
  useEffect(() => { session.demoPersonas().then(setPersonas, () => setPersonas([])); }, []);

  const attempt = async (credentials) => {
    setBusy(true);
    setError('');
    try {
      onSignedIn(await session.signIn(credentials));
    } catch (failure) {
      if (failure.needsTotp) setAskTotp(true);
      setError(failure.message);
    } finally {
      setBusy(false);
    }
  };
  const submit = (event) => {
    event.preventDefault();
    attempt({ email, password, totp: askTotp ? totp : '' });
  };
  return (
    <main className="cg-signin">
      <h1>claimgraph staff console</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <label>Email<input name="email" type="email" autoComplete="username" required
          value={email} onChange={(e) => setEmail(e.target.value)} /></label>
        <label>Password<input name="password" type="password" autoComplete="current-password"
          required value={password} onChange={(e) => setPassword(e.target.value)} /></label>
        {askTotp && (
          <label>Authenticator code<input name="totp" inputMode="numeric" pattern="[0-9]{6}"
            autoComplete="one-time-code" required autoFocus value={totp}
            onChange={(e) => setTotp(e.target.value)} /></label>
        )}
        <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
        <p className="cg-error" role="alert">{error}</p>
      </form>
      {personas.length > 0 && (
        <section className="cg-personas" aria-label="Demo personas">
          <h2>Demo: sign in as</h2>
          <ul>
            {personas.map((p) => (
              <li key={p.email}>
                <button type="button" disabled={busy} data-persona={p.email}
                  onClick={() => attempt({ email: p.email, password: p.password })}>
                  {p.role}
                </button>
                <span>{p.email}</span> <small>{p.description}</small>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}

function Console({ me, onSignOut }) {
  const storage = useMemo(() => new MemoryStorage(), []);
  const plugins = useMemo(() => [EXAMPLES_PLUGIN, explorerPlugin()], []);
  return (
    <div className="cg-console">
      <header className="cg-bar">
        <strong>claimgraph staff console</strong>
        <span className="cg-who" data-role={me.role}>
          Signed in as {me.displayName || me.email} ({me.email}, {me.role})
        </span>
        <button type="button" className="cg-signout" onClick={onSignOut}>Sign out</button>
      </header>
      <div className="cg-ide">
        <GraphiQL fetcher={session.fetcher} storage={storage} plugins={plugins}
          visiblePlugin={EXAMPLES_PLUGIN} defaultQuery={WELCOME}
          isHeadersEditorEnabled shouldPersistHeaders={false} />
      </div>
    </div>
  );
}

function App() {
  const [me, setMe] = useState(null);
  const [message, setMessage] = useState('');
  useEffect(() => session.onSessionChange(({ ended }) => {
    if (ended) { setMessage(ended); setMe(null); }
  }), []);
  if (!me) return <SignIn onSignedIn={(who) => { setMessage(''); setMe(who); }} message={message} />;
  // GraphiQL mounts only now, so its introspection (the docs) runs with the new token;
  // a new sign-in remounts it (key) and fetches the schema again for that role.
  return (
    <Console key={me.email} me={me} onSignOut={async () => {
      await session.signOut();
      setMessage('Signed out.');
      setMe(null);
    }} />
  );
}

createRoot(document.getElementById('console')).render(<App />);
