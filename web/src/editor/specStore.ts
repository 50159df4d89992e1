/** The deck's spec over the API: `GET /v1/decks/{id}/spec` with its ETag, and
 * `PUT /v1/decks/{id}/spec` with `If-Match` (202 and the new ETag; 412 when another tab saved). */
import { api } from "../api/client";
import { problemMessage } from "../api/problems";
import type { Translate } from "../i18n";
import type { SaveOutcome, SpecStore } from "./autosave";
import type { DeckSpec } from "./spec";

/** Why the spec could not be loaded: `status` 404 means no such deck (or not the caller's). */
export class LoadFailed extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Answer {
  error?: unknown;
  response: Response;
}

// Deck revisions (the PUT) come with issue 14's API work; until the served document has the
// route, the call is typed by hand here.
type SpecPut = (
  path: "/v1/decks/{deck_id}/spec",
  init: { params: { path: { deck_id: string }; header: Record<string, string> }; body: DeckSpec },
) => Promise<Answer>;

export function deckSpecStore(deckId: string, t: Translate): SpecStore {
  const path = { deck_id: deckId };
  return {
    async load() {
      const answer = await api.GET("/v1/decks/{deck_id}/spec", { params: { path } });
      const { data, error, response } = answer;
      if (data === undefined)
        throw new LoadFailed(response.status, problemMessage(error, response.status, t));
      return { spec: data, etag: response.headers.get("ETag") };
    },
    async save(spec, etag): Promise<SaveOutcome> {
      const put = (api as unknown as { PUT: SpecPut }).PUT;
      const header: Record<string, string> = etag ? { "If-Match": etag } : {};
      const { error, response } = await put("/v1/decks/{deck_id}/spec", {
        params: { path, header },
        body: spec,
      });
      if (response.status === 412) return { kind: "conflict" };
      if (!response.ok)
        return { kind: "failed", message: problemMessage(error, response.status, t) };
      return { kind: "saved", etag: response.headers.get("ETag") };
    },
  };
}
