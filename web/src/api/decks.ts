/** The decks API: draft one from an upload, post a spec, follow its build, list, delete, and
 * fetch its file and slide previews for the page. */
import { api } from "./client";
import { blobUrl } from "./blobs";
import type { components } from "./schema";

export type Deck = components["schemas"]["Deck"];
export type DeckSpec = components["schemas"]["DeckSpec"];
export type DeckFromUpload = components["schemas"]["DeckFromUpload"];

export async function draftDeck(request: DeckFromUpload) {
  return api.POST("/v1/decks", { body: request });
}

export async function postSpec(spec: DeckSpec) {
  return api.POST("/v1/decks", { body: spec });
}

export async function getSpec(deckId: string) {
  return api.GET("/v1/decks/{deck_id}/spec", { params: { path: { deck_id: deckId } } });
}

/** The deck once built or failed, or as it stands after `seconds`. */
export async function waitForDeck(deckId: string, seconds: number) {
  return api.GET("/v1/decks/{deck_id}", {
    params: { path: { deck_id: deckId }, query: { wait: seconds } },
  });
}

export async function listDecks(cursor: string | null) {
  return api.GET("/v1/decks", { params: { query: { cursor: cursor ?? undefined } } });
}

export async function deleteDeck(deckId: string) {
  return api.DELETE("/v1/decks/{deck_id}", { params: { path: { deck_id: deckId } } });
}

export async function previewUrl(deckId: string, number: number): Promise<string | null> {
  const answer = await api.GET("/v1/decks/{deck_id}/previews/{number}", {
    params: { path: { deck_id: deckId, number } },
    parseAs: "blob",
  });
  return blobUrl(answer);
}

export async function fileUrl(deckId: string): Promise<string | null> {
  const answer = await api.GET("/v1/decks/{deck_id}/file", {
    params: { path: { deck_id: deckId } },
    parseAs: "blob",
  });
  return blobUrl(answer);
}
