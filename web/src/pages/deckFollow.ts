/** When the deck page asks for its deck again: with `?wait` while it is queued or building (the
 * API answers as soon as it is built or failed), after a short pause while its previews are
 * still being made (they follow the deck, and `?wait` does not wait for them), or not at all. */
import type { Deck } from "../api/decks";

export const WAIT_SECONDS = 30;
export const PREVIEWS_PAUSE_MS = 2000;

export type NextAsk = { wait: number; pauseMs: number } | "settled";

export function nextAsk(deck: Deck): NextAsk {
  if (deck.status !== "completed" && deck.status !== "failed") {
    return { wait: WAIT_SECONDS, pauseMs: 0 };
  }
  if (deck.previews_status === "pending") return { wait: 0, pauseMs: PREVIEWS_PAUSE_MS };
  return "settled";
}
