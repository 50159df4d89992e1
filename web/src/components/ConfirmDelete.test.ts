import { describe, expect, it } from "vitest";
import { isGone } from "./ConfirmDelete";

const answered = (status: number) => ({ response: new Response(null, { status }) });

describe("a delete the person confirmed", () => {
  it("removes the item when the API deleted it, or it was gone already", () => {
    expect(isGone(answered(204))).toBe(true);
    expect(isGone(answered(404))).toBe(true);
  });

  it("keeps the item when the API refused or could not be reached", () => {
    expect(isGone(answered(503))).toBe(false);
    expect(isGone(answered(403))).toBe(false);
    expect(isGone(null)).toBe(false);
  });
});
