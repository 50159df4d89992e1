import { describe, expect, it } from "vitest";
import { translator } from "../i18n";
import { problemMessage } from "./problems";

const t = translator("en");

describe("a refusal shown to the person", () => {
  it("says the problem's detail", () => {
    const problem = { type: "x", title: "Too large", status: 413, detail: "a.png is too big" };
    expect(problemMessage(problem, 413, t)).toBe("a.png is too big");
  });

  it("lists every field at fault of a 422", () => {
    const problem = {
      type: "x",
      title: "Invalid",
      status: 422,
      errors: [{ pointer: "/username", detail: "too short" }, { detail: "password too short" }],
    };
    expect(problemMessage(problem, 422, t)).toBe("too short password too short");
  });

  it("falls back to a generic line when the answer is not a problem", () => {
    expect(problemMessage("<html>", 502, t)).toBe("Something went wrong (502).");
  });
});
