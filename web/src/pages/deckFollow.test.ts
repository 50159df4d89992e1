import { describe, expect, it } from "vitest";
import type { Deck } from "../api/decks";
import { nextAsk, PREVIEWS_PAUSE_MS, WAIT_SECONDS } from "./deckFollow";

const built: Deck = {
  deck_id: "d1",
  status: "completed",
  revision: 1,
  built_revision: 1,
  title: "Deck",
  template_id: "clean",
  slide_count: 2,
  created_at: "2026-12-01T09:00:00+00:00",
  expires_at: null,
  completed_at: "2026-12-01T09:00:02+00:00",
  size: 30_000,
  previews_status: "ready",
  previews: ["/v1/decks/d1/previews/1", "/v1/decks/d1/previews/2"],
  links: { self: "/v1/decks/d1", spec: "/v1/decks/d1/spec", file: "/v1/decks/d1/file" },
};

describe("the deck page", () => {
  it("waits on the API while the deck is being built", () => {
    const building: Deck = { ...built, status: "building", previews_status: undefined };
    expect(nextAsk(building)).toEqual({ wait: WAIT_SECONDS, pauseMs: 0 });
  });

  it("asks again after a pause while a built deck's previews are being made", () => {
    const { previews: _, ...pending } = built;
    expect(nextAsk({ ...pending, previews_status: "pending" })).toEqual({
      wait: 0,
      pauseMs: PREVIEWS_PAUSE_MS,
    });
  });

  it("stops once the deck is built with its previews, or failed", () => {
    expect(nextAsk(built)).toBe("settled");
    expect(nextAsk({ ...built, previews_status: "failed", previews: "unavailable" })).toBe(
      "settled",
    );
    expect(nextAsk({ ...built, status: "failed", reason: "gone", code: "deck-image-gone" })).toBe(
      "settled",
    );
  });
});
