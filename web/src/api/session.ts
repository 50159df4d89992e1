/** Who is signed in, and when their access token is renewed. The access token lives in this
 * module's memory only (never in storage); the refresh token is an HttpOnly cookie no script can
 * read, which the renewer (api/auth.ts) trades for the next access token. */

export interface Session {
  accessToken: string;
  username: string;
}

/** Renews the access token; resolves true when a new one was set. */
export type Renewer = () => Promise<boolean>;
type Listener = (session: Session | null) => void;

/** Renew this long before the access token expires (at half its life, if that is sooner). */
export const RENEW_AHEAD_MS = 60_000;
/** A token this close to expiry is renewed before a request carries it (a sleeping laptop or a
 * throttled background tab may have missed the timer). */
export const STALE_WITHIN_MS = 10_000;

let current: Session | null = null;
let expiresAt: number | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
let renewer: Renewer | null = null;
let renewing: Promise<boolean> | null = null;
const listeners = new Set<Listener>();

export function currentSession(): Session | null {
  return current;
}

/** When, after a token lasting `expiresInSeconds` arrives, to renew it. */
export function renewalDelay(expiresInSeconds: number): number {
  const lifetime = expiresInSeconds * 1000;
  return Math.max(lifetime - RENEW_AHEAD_MS, lifetime / 2);
}

/** Signs the person in (with the token's lifetime, to renew it in time) or out (null). */
export function setSession(session: Session | null, expiresInSeconds?: number): void {
  clearTimeout(timer);
  timer = undefined;
  current = session;
  expiresAt = null;
  if (session && expiresInSeconds !== undefined) {
    expiresAt = Date.now() + expiresInSeconds * 1000;
    timer = setTimeout(() => void renew(), renewalDelay(expiresInSeconds));
  }
  for (const listener of listeners) listener(current);
}

/** Whether the token is about to expire (or has): renew before using it. */
export function isStale(now: number = Date.now()): boolean {
  return current !== null && expiresAt !== null && now >= expiresAt - STALE_WITHIN_MS;
}

/** The function that renews the access token (api/auth.ts sets it once, at start). */
export function setRenewer(next: Renewer | null): void {
  renewer = next;
}

/** Renews the access token once however many callers ask at the same moment; resolves true
 * when a new one was set. Without a renewer nothing can be renewed. */
export function renew(): Promise<boolean> {
  if (!renewer) return Promise.resolve(false);
  renewing ??= renewer().finally(() => {
    renewing = null;
  });
  return renewing;
}

/** Calls `listener` on every sign-in, renewal and sign-out; returns the unsubscribe function. */
export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
