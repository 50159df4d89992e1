/** The browser's sign-in flow (docs/api.md, "Signing in from a browser"): signing in sets the
 * refresh token as an HttpOnly cookie; on start a silent refresh restores the session; the
 * access token is renewed before it expires; signing out ends the sign-in on the server. */
import { authApi } from "./client";
import { currentSession, setRenewer, setSession } from "./session";

/** Not a credential: a note that this browser has signed in, so that a visitor who never did
 * is not sent to refresh (a certain 401) on every page load. */
const SIGNED_IN_HINT = "jaryo.signedIn";
const REFRESH_LOCK = "jaryo-refresh";

type Refreshed = { accessToken: string; expiresIn: number } | "refused" | "failed";

/** What the API refused a sign-in with, for the page to put into words. */
export interface Refusal {
  error: unknown;
  status: number;
}

export async function signIn(username: string, password: string): Promise<Refusal | null> {
  const { data, error, response } = await authApi.POST("/v1/auth/token", {
    body: { username, password, session: "cookie" },
  });
  if (error !== undefined) return { error, status: response.status };
  remember(true);
  setRenewer(renewAccess);
  setSession({ accessToken: data.access_token, username }, data.expires_in);
  return null;
}

/** On start: trade the cookie (if this browser signed in) for an access token, so a reload
 * keeps the person signed in. Never rejects: the page then starts signed in or out. */
export async function restoreSession(): Promise<void> {
  setRenewer(renewAccess);
  if (!hinted()) return;
  const refreshed = await refreshWithCookie();
  if (refreshed === "refused") remember(false);
  if (typeof refreshed === "string") return;
  const authorization = `Bearer ${refreshed.accessToken}`;
  try {
    const me = await authApi.GET("/v1/me", { headers: { Authorization: authorization } });
    if (me.data === undefined) return;
    const session = { accessToken: refreshed.accessToken, username: me.data.username };
    setSession(session, refreshed.expiresIn);
  } catch {
    // The gateway went away between the two requests: start signed out; a reload retries.
  }
}

/** Sign out: the API ends the sign-in and clears the cookie; the page forgets the token even
 * when the API cannot be reached. */
export async function signOut(): Promise<void> {
  remember(false);
  try {
    await authApi.POST("/v1/auth/refresh/revoke", { body: {} });
  } catch {
    // Signed out in this page all the same; the cookie's sign-in lapses with its token.
  } finally {
    setSession(null);
  }
}

/** An access token the API handed over outside a refresh (a password change, whose answer also
 * set this device's new refresh cookie): the session goes on with it. */
export function continueWith(accessToken: string, expiresIn: number): void {
  const session = currentSession();
  if (session !== null) setSession({ ...session, accessToken }, expiresIn);
}

/** The API has ended this device's sign-in itself (signed out everywhere, the account deleted)
 * and cleared the cookie: the page forgets the token and the note that it signed in. */
export function signedOutByServer(): void {
  remember(false);
  setSession(null);
}

/** The renewer (api/session.ts): a refused refresh signs the person out; a failed one (the
 * gateway out of reach) leaves the session as it is, to be renewed before its next use. */
async function renewAccess(): Promise<boolean> {
  const refreshed = await refreshWithCookie();
  const session = currentSession();
  if (refreshed === "refused") {
    remember(false);
    setSession(null);
    return false;
  }
  if (refreshed === "failed" || session === null) return false;
  setSession({ ...session, accessToken: refreshed.accessToken }, refreshed.expiresIn);
  return true;
}

/** Tabs share the cookie: one refresh at a time across them (Web Locks), so that no tab sends
 * a cookie another has just spent, which the API takes for a stolen one and ends the sign-in. */
async function refreshWithCookie(): Promise<Refreshed> {
  const locks = globalThis.navigator?.locks;
  return locks ? await locks.request(REFRESH_LOCK, refreshOnce) : await refreshOnce();
}

async function refreshOnce(): Promise<Refreshed> {
  try {
    const { data, response } = await authApi.POST("/v1/auth/refresh", { body: {} });
    if (data !== undefined) return { accessToken: data.access_token, expiresIn: data.expires_in };
    return response.status === 401 ? "refused" : "failed";
  } catch {
    return "failed";
  }
}

function hinted(): boolean {
  try {
    return globalThis.localStorage?.getItem(SIGNED_IN_HINT) === "1";
  } catch {
    return true; // storage is blocked: try the cookie anyway
  }
}

function remember(signedIn: boolean): void {
  try {
    if (signedIn) globalThis.localStorage?.setItem(SIGNED_IN_HINT, "1");
    else globalThis.localStorage?.removeItem(SIGNED_IN_HINT);
  } catch {
    // Storage is blocked (a private window's policy): restoring then always tries the cookie.
  }
}
