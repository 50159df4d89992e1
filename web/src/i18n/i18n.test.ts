import { describe, expect, it } from "vitest";
import { en } from "./en";
import { pickLanguage, translator } from "./index";
import { ko } from "./ko";

describe("the catalogues", () => {
  it("a Korean browser gets Korean, an unknown language English", () => {
    expect(pickLanguage(["ko-KR", "en-US"])).toBe("ko");
    expect(pickLanguage(["fr-FR", "en-GB"])).toBe("en");
    expect(pickLanguage(["de"])).toBe("en");
  });

  it("every English string has a Korean one, and no Korean string is left empty", () => {
    expect(Object.keys(ko).sort()).toEqual(Object.keys(en).sort());
    expect(Object.values(ko).filter((text) => text.trim() === "")).toEqual([]);
  });

  it("fills in the named values of a message", () => {
    expect(translator("en")("limitCount", { count: 20 })).toBe("Up to 20 images at once");
    expect(translator("ko")("limitCount", { count: 20 })).toBe("한 번에 최대 20장");
  });
});
