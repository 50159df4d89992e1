import { describe, expect, it } from "vitest";
import { match } from "./router";

describe("a route's pattern", () => {
  it("names the parts of a path of its shape", () => {
    expect(match("/decks/:id", "/decks/abc")).toEqual({ id: "abc" });
    expect(match("/uploads/:id", "/uploads/f00/")).toEqual({ id: "f00" });
  });

  it("does not take a longer or different path", () => {
    expect(match("/decks/:id", "/decks/abc/edit")).toBeNull();
    expect(match("/decks/:id", "/uploads/abc")).toBeNull();
    expect(match("/decks", "/decks/abc")).toBeNull();
  });

  it("takes a malformed %-escape for no page, rather than failing the whole app", () => {
    expect(match("/decks/:id", "/decks/%E0%A4")).toBeNull();
    expect(match("/decks/:id", "/decks/%EC%9E%90%EB%A3%8C")).toEqual({ id: "자료" });
  });
});
