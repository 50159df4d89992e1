/** The signed-in person's own account (issue 19): change the password (this device stays signed
 * in with a new token, every other one is signed out), sign out everywhere, download every
 * record as a zip, delete the account. */
import createClient from "openapi-fetch";
import { dispositionFilename } from "./blobs";
import { bearerSession } from "./bearer";
import { CSRF_HEADERS } from "./client";
import type { components, paths } from "./schema";

type Problem = components["schemas"]["Problem"];
type Json<T> = { content: { "application/json": T } };
type ProblemAnswer = { headers: Record<string, unknown>; content: { "application/problem+json": Problem } };
type NoContent = { headers: Record<string, unknown>; content?: never };

export interface PasswordChange {
  current_password: string;
  new_password: string;
  session: "cookie";
}

export interface AccountDeletion {
  password: string;
}

export interface AccessToken {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
}

type NoParams = { query?: never; header?: never; path?: never; cookie?: never };
type Refusals = { 403: ProblemAnswer; 422: ProblemAnswer; 429: ProblemAnswer; default: ProblemAnswer };
type Operation<Body, Ok> = { parameters: NoParams; requestBody: Json<Body>; responses: Ok & Refusals };
type Unbodied<Ok> = { parameters: NoParams; requestBody?: never; responses: Ok & { default: ProblemAnswer } };
type Route<Methods> = { parameters: NoParams } & Methods;

// These routes are newer than the document the client may be typed from (the `sessions` and
// `export` branches of the gateway add them): they are typed here by hand, from the contract in
// issue 19, on a client of their own. `Agrees` below turns a difference from the served
// document into a type error once the document has them; then `api` in client.ts replaces this.
export interface AccountPaths {
  "/v1/me/password": Route<{
    post: Operation<PasswordChange, { 200: { headers: Record<string, unknown> } & Json<AccessToken> }>;
  }>;
  "/v1/me": Route<{ delete: Operation<AccountDeletion, { 204: NoContent }> }>;
  "/v1/me/signout-all": Route<{ post: Unbodied<{ 204: NoContent }> }>;
  "/v1/me/export": Route<{
    get: Unbodied<{ 200: { headers: Record<string, unknown>; content: { "application/zip": Blob } } }>;
  }>;
}

type Served<P extends string, M extends string> = P extends keyof paths
  ? M extends keyof paths[P]
    ? NonNullable<paths[P][M]>
    : never
  : never;
type ServedBody<Op> = Op extends { requestBody?: { content: { "application/json": infer B } } }
  ? B
  : never;
/** true when the served document lacks the operation, or takes the body this module sends. */
type Fits<Ours, Op> = [ServedBody<Op>] extends [never] ? true : Ours extends ServedBody<Op> ? true : false;
type Assert<T extends true> = T;
export type Agrees = Assert<
  Fits<PasswordChange, Served<"/v1/me/password", "post">> &
    Fits<AccountDeletion, Served<"/v1/me", "delete">>
>;

/** Every request here carries the token (and renews it as the rest of the app does) and the
 * cookie flow's header, which the routes that end sign-ins require. */
const accountApi = createClient<AccountPaths>({ baseUrl: "", headers: CSRF_HEADERS });
accountApi.use(bearerSession);

/** Bounds the API holds a new password to (the same as at sign-up), counted in characters as
 * Python counts them (code points), not UTF-16 units. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

export function passwordLength(password: string): number {
  return [...password].length;
}

export function changePassword(currentPassword: string, newPassword: string) {
  return accountApi.POST("/v1/me/password", {
    body: { current_password: currentPassword, new_password: newPassword, session: "cookie" },
  });
}

export function signOutEverywhere() {
  return accountApi.POST("/v1/me/signout-all");
}

export function deleteAccount(password: string) {
  return accountApi.DELETE("/v1/me", { body: { password } });
}

/** The export's answer with its body left unread, for the page to read with progress. */
export function askExport(signal?: AbortSignal) {
  return accountApi.GET("/v1/me/export", { parseAs: "stream", signal });
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
