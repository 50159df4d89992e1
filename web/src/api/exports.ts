/** The files made from a deck or an upload besides the .pptx: the deck as a PDF
 * (`GET /v1/decks/{id}/file?format=pdf`) and the upload's text as Markdown
 * (`GET /v1/uploads/{id}/text?format=md`). */
import { api } from "./client";
import type { operations } from "./schema";

// The `format` parameters are newer than the served document this client may be typed from: the
// query is typed here by hand and sent through `querySerializer`, which compiles whether or not
// the document has them. `Fits` turns a query into `never` (a type error where it is used) once
// the document has a parameter of the same name with another type. When the document has them
// everywhere, pass `params: { query }` instead and drop this.
type ServedQuery<Op> = Op extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
type Shared<Ours, Served> = Pick<Ours, keyof Ours & keyof Served>;
type Fits<Ours, Op> = [ServedQuery<Op>] extends [never]
  ? Ours
  : Shared<Ours, ServedQuery<Op>> extends Shared<ServedQuery<Op>, Ours>
    ? Ours
    : never;

export type DeckFileQuery = Fits<{ format: "pdf"; wait: number }, operations["decks_get_file"]>;
export type UploadTextQuery = Fits<{ format: "md" }, operations["uploads_get_upload_text"]>;

/** A query as URL parameters, in the order given. */
export function queryString(query: Record<string, string | number>): string {
  return new URLSearchParams(
    Object.entries(query).map(([name, value]) => [name, String(value)]),
  ).toString();
}

/** The deck as a PDF, waiting up to `wait` seconds for it to be rendered: a 200 holds the file,
 * a 202 says it is still being rendered (`Retry-After`), a problem says why not. */
export async function askDeckPdf(deckId: string, wait: number, signal?: AbortSignal) {
  const query: DeckFileQuery = { format: "pdf", wait };
  return api.GET("/v1/decks/{deck_id}/file", {
    params: { path: { deck_id: deckId } },
    querySerializer: () => queryString(query),
    parseAs: "blob",
    signal,
  });
}

/** The upload's text as Markdown, one section per image. */
export async function askUploadMarkdown(uploadId: string) {
  const query: UploadTextQuery = { format: "md" };
  return api.GET("/v1/uploads/{upload_id}/text", {
    params: { path: { upload_id: uploadId } },
    querySerializer: () => queryString(query),
    parseAs: "blob",
  });
}
