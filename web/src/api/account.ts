/** The signed-in person's own account (issue 19): change the password (this device stays signed
 * in with a new token, every other one is signed out), sign out everywhere, download every
 * record as a zip, delete the account. */
import { dispositionFilename } from "./blobs";
import { api, CSRF_HEADERS } from "./client";

/** Bounds the API holds a new password to (the same as at sign-up), counted in characters as
 * Python counts them (code points), not UTF-16 units. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

export function passwordLength(password: string): number {
  return [...password].length;
}

// The routes that end sign-ins carry the cookie flow's header too: the password change needs it
// with `session: "cookie"`; the others take it as the rest of the flow's requests do.

/** The new password in the browser flow: the answer holds this device's new access token and
 * sets its new refresh cookie. */
export function changePassword(currentPassword: string, newPassword: string) {
  return api.POST("/v1/me/password", {
    body: { current_password: currentPassword, new_password: newPassword, session: "cookie" },
    headers: CSRF_HEADERS,
  });
}

export function signOutEverywhere() {
  return api.POST("/v1/me/signout-all", { headers: CSRF_HEADERS });
}

export function deleteAccount(password: string) {
  return api.DELETE("/v1/me", { body: { password }, headers: CSRF_HEADERS });
}

/** The export's answer with its body left unread, for the page to read with progress. */
export function askExport(signal?: AbortSignal) {
  return api.GET("/v1/me/export", { parseAs: "stream", signal });
}

/** The name to save the export under: the server's, else `jaryo-export-YYYY-MM-DD.zip` for
 * today (UTC, as the server names it). */
export function exportFilename(contentDisposition: string | null, now: Date = new Date()): string {
  const named = dispositionFilename(contentDisposition);
  return named ?? `jaryo-export-${now.toISOString().slice(0, 10)}.zip`;
}

/** Reads a streamed body to its end as one Blob of `type`, telling `onBytes` the bytes received
 * so far after each chunk (the export is streamed, often without a length). */
export async function readWithProgress(
  body: ReadableStream<Uint8Array>,
  type: string,
  onBytes: (received: number) => void,
): Promise<Blob> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.byteLength;
    onBytes(received);
  }
  return new Blob(chunks as BlobPart[], { type });
}
