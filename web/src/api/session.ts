/** Who is signed in: the access token lives in this module's memory only (never in storage), so
 * a reload signs the person out until the cookie refresh flow of issue 14 lands. */

export interface Session {
  accessToken: string;
  username: string;
}

type Listener = (session: Session | null) => void;

let current: Session | null = null;
const listeners = new Set<Listener>();

export function currentSession(): Session | null {
  return current;
}

export function setSession(session: Session | null): void {
  current = session;
  for (const listener of listeners) listener(current);
}

/** Calls `listener` on every sign-in and sign-out; returns the unsubscribe function. */
export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
