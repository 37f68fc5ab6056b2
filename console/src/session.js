// The signed-in session: tokens live in this module's variables only (never localStorage,
// sessionStorage or cookies), so closing or reloading the tab signs out of the page.
// The access token is refreshed with the refresh_token grant a minute before it expires.

import { getOperationAST, parse } from 'graphql';
import { createClient } from 'graphql-ws';

const TOKEN_URL = '/auth/token';
const LOGOUT_URL = '/auth/logout';
const GRAPHQL_URL = '/graphql';
// graph/grants.py MFA_REQUIRED: the token endpoint's words when the account has a TOTP
const MFA_REQUIRED = /second factor is required/i;

export class SignInError extends Error {
  constructor(body, status) {
    const fallback = status === 429 ? 'Too many attempts; wait a minute.' : `Sign-in failed (${status}).`;
    super(body?.error_description || fallback);
    this.code = body?.error;
    this.needsTotp = MFA_REQUIRED.test(body?.error_description || '');
  }
}

let access = null; // the bearer token, in memory only
let refresh = null;
let timer = null;
let listener = () => {};

function post(url, params, headers = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params),
    credentials: 'omit',
    cache: 'no-store',
  });
}

async function grant(params) {
  const response = await post(TOKEN_URL, params);
  const body = await response.json().catch(() => null);
  if (!response.ok || !body?.access_token) throw new SignInError(body, response.status);
  access = body.access_token;
  refresh = body.refresh_token ?? null;
  schedule(Number(body.expires_in) || 900);
}

function schedule(expiresIn) {
  clearTimeout(timer);
  // a minute early (a fifth of the lifetime when it is short), never sooner than 5 s
  const early = Math.min(60, expiresIn / 5);
  timer = setTimeout(refreshNow, Math.max(5, expiresIn - early) * 1000);
}

/** Exchange the refresh token for a new pair; on refusal the session ends with the reason. */
export async function refreshNow() {
  if (!refresh) return end('The session expired; sign in again.');
  try {
    await grant({ grant_type: 'refresh_token', refresh_token: refresh });
    listener({ refreshed: true });
    return true;
  } catch (error) {
    end(error.message);
    return false;
  }
}

function end(reason) {
  clearTimeout(timer);
  socket?.client.dispose();
  socket = null;
  access = refresh = null;
  listener({ ended: reason });
  return false;
}

export function onSessionChange(callback) {
  listener = callback;
}

export async function signIn({ email, password, totp }) {
  const params = { grant_type: 'password', username: email, password };
  if (totp) params.totp = totp;
  await grant(params);
  return whoAmI();
}

export async function signOut() {
  socket?.client.dispose();
  socket = null;
  const bearer = access;
  const token = refresh;
  clearTimeout(timer);
  access = refresh = null;
  if (bearer || token) {
    // ends this sign-in's session on the server; the page forgets the tokens either way
    await post(LOGOUT_URL, token ? { refresh_token: token } : {},
      bearer ? { Authorization: `Bearer ${bearer}` } : {}).catch(() => null);
  }
}

export const signedIn = () => access !== null;

async function whoAmI() {
  const answer = await fetcher({ query: '{ me { email displayName role } }' });
  const me = answer?.data?.me;
  if (!me) throw new SignInError({ error_description: 'Signed in, but the API did not say who.' }, 0);
  return me;
}

/** GraphiQL's fetcher: a subscription over the WebSocket, anything else as a POST. */
export function fetcher(params, options = {}) {
  return isSubscription(params) ? subscribe(params, options) : postGraphQL(params, options);
}

function isSubscription({ query, operationName }) {
  try {
    return getOperationAST(parse(query), operationName || undefined)?.operation === 'subscription';
  } catch {
    return false; // not parsable: the server says why
  }
}

// One socket per access token: a refreshed token opens a new one for later subscriptions,
// while the server ends the old one when its token expires (close 4401).
let socket = null;

function client(bearer) {
  if (socket?.bearer !== bearer) {
    socket?.client.dispose();
    const url = new URL(GRAPHQL_URL, window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = {
      bearer,
      client: createClient({
        url: url.href,
        lazy: true, // opened by the first subscription, closed after the last
        retryAttempts: 0, // a refused or expired sign-in is shown, not retried
        connectionParams: bearer ? { Authorization: `Bearer ${bearer}` } : {},
      }),
    };
  }
  return socket.client;
}

/** A subscription's results, one per event, as GraphiQL's results pane shows them. */
function subscribe(params, options) {
  const typed = (options.headers || {}).Authorization;
  const bearer = typed ? typed.replace(/^Bearer\s+/i, '') : access;
  return client(bearer).iterate({
    query: params.query,
    variables: params.variables ?? undefined,
    operationName: params.operationName ?? undefined,
  });
}

/** POST /graphql with the bearer token; one refresh on a 401, then retry. */
async function postGraphQL(params, options) {
  const send = () => fetch(GRAPHQL_URL, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      ...(access ? { Authorization: `Bearer ${access}` } : {}),
      // a header typed into GraphiQL's headers pane wins (e.g. another persona's token)
      ...(options.headers || {}),
    },
    body: JSON.stringify(params),
    credentials: 'omit',
    cache: 'no-store',
  });
  let response = await send();
  if (response.status === 401 && refresh && !(options.headers || {}).Authorization) {
    if (await refreshNow()) response = await send();
  }
  return response.json();
}

/** The demo personas, when the server runs with --demo (404 otherwise). */
export async function demoPersonas() {
  const response = await fetch('/console/personas', { credentials: 'omit', cache: 'no-store' });
  if (!response.ok) return [];
  return (await response.json()).personas || [];
}
