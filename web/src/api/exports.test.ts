import { describe, expect, it } from "vitest";
import { dispositionFilename } from "./blobs";
import { queryString } from "./exports";

describe("the PDF and Markdown downloads", () => {
  it("ask for the format in the query the API reads", () => {
    expect(queryString({ format: "pdf", wait: 60 })).toBe("format=pdf&wait=60");
    expect(queryString({ format: "md" })).toBe("format=md");
  });

  it("save the file under the name the API suggests, Korean names included", () => {
    const korean = "attachment; filename=\"___.md\"; filename*=UTF-8''%ED%9A%8C%EC%9D%98.md";
    expect(dispositionFilename(korean)).toBe("회의.md");
    expect(dispositionFilename('attachment; filename="notes.md"')).toBe("notes.md");
    expect(dispositionFilename("attachment; filename=notes.md")).toBe("notes.md");
    expect(dispositionFilename("attachment; filename*=UTF-8''%E0%A4%A.md")).toBeNull();
    expect(dispositionFilename("attachment")).toBeNull();
    expect(dispositionFilename(null)).toBeNull();
  });
});
