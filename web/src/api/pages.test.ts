import { beforeEach, describe, expect, it, vi } from "vitest";

// The typed client keeps the fetch and Request it finds when it is made, so the stubs go in
// first: requests are recorded, relative URLs (same origin as the page) resolved against one.
const sent = vi.hoisted(() => {
  const urls: string[] = [];
  const NodeRequest = globalThis.Request;
  globalThis.Request = class extends NodeRequest {
    constructor(input: RequestInfo | URL, init?: RequestInit) {
      super(typeof input === "string" ? new URL(input, "http://app.test") : input, init);
    }
  };
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    urls.push(url.pathname + url.search);
    return new Response(new Blob(["image"], { type: "image/jpeg" }), {
      headers: { "Content-Type": "image/jpeg" },
    });
  };
  return urls;
});

import { pageUrl } from "./pages";
import { backgroundUrl, linkVersion } from "./uploads";

describe("a page and a clean copy fetched through their links", () => {
  beforeEach(() => {
    sent.length = 0;
    URL.createObjectURL = () => "blob:x";
  });

  it("reads the link's version", () => {
    expect(linkVersion("/v1/uploads/u/images/a/page?v=2")).toBe("2");
    expect(linkVersion("/v1/uploads/u/images/a/background")).toBeUndefined();
  });

  it("asks for the page with the link's v, so a page made again is not a cached one", async () => {
    expect(await pageUrl("u", "a", "/v1/uploads/u/images/a/page?v=2")).toBe("blob:x");
    await pageUrl("u", "a", "/v1/uploads/u/images/a/page");
    expect(sent).toEqual(["/v1/uploads/u/images/a/page?v=2", "/v1/uploads/u/images/a/page"]);
  });

  it("asks for the clean copy with the link's query as given", async () => {
    expect(await backgroundUrl("u", "a", "/v1/uploads/u/images/a/background?v=3")).toBe("blob:x");
    await backgroundUrl("u", "a", "/v1/uploads/u/images/a/background");
    expect(sent).toEqual([
      "/v1/uploads/u/images/a/background?v=3",
      "/v1/uploads/u/images/a/background",
    ]);
  });
});
