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

import { cornersAdjustable, pageUrl } from "./pages";
import { backgroundUrl, linkVersion, type UploadImage } from "./uploads";

function image(fields: Record<string, unknown>): UploadImage {
  return {
    image_id: "a",
    filename: "a.jpg",
    original_filename: "desk.jpg",
    page: null,
    status: "done",
    storage: { status: "stored" },
    ocr: { status: "done" },
    ...fields,
  } as unknown as UploadImage;
}

describe("who is offered 'Adjust page corners'", () => {
  it("a stored photo once the upload has settled, whatever the image's own status", () => {
    for (const status of ["done", "failed", "queued", "processing"]) {
      expect(cornersAdjustable(image({ status }), true)).toBe(true);
    }
  });

  it("no one while the upload is being read (the API takes a fix only once it has settled)", () => {
    expect(cornersAdjustable(image({ status: "done" }), false)).toBe(false);
    expect(cornersAdjustable(image({ status: "processing" }), false)).toBe(false);
  });

  it("not a PDF's page, nor an image that is not stored", () => {
    expect(cornersAdjustable(image({ page: 2 }), true)).toBe(false);
    expect(cornersAdjustable(image({ storage: { status: "queued" } }), true)).toBe(false);
    expect(cornersAdjustable(image({ storage: { status: "failed" } }), true)).toBe(false);
  });
});

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

  it("asks for the clean copy with the link's v, so a new copy is not a cached one", async () => {
    expect(await backgroundUrl("u", "a", "/v1/uploads/u/images/a/background?v=3")).toBe("blob:x");
    await backgroundUrl("u", "a", "/v1/uploads/u/images/a/background");
    expect(sent).toEqual([
      "/v1/uploads/u/images/a/background?v=3",
      "/v1/uploads/u/images/a/background",
    ]);
  });
});
