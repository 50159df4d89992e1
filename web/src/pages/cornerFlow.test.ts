import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// The typed client keeps the fetch and Request it finds when it is made, so the stubs go in
// first: the photo's bytes for any GET, the image being read again for the PUT of its corners.
const api = vi.hoisted(() => {
  const state = { corners: null as unknown, puts: 0 };
  const NodeRequest = globalThis.Request;
  globalThis.Request = class extends NodeRequest {
    constructor(input: RequestInfo | URL, init?: RequestInit) {
      super(typeof input === "string" ? new URL(input, "http://app.test") : input, init);
    }
  };
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const request = input as Request;
    if (request.method === "PUT") {
      state.puts += 1;
      state.corners = await request.json();
      const body = { image_id: "a", status: "processing", ocr: { status: "queued" } };
      return new Response(JSON.stringify(body), {
        status: 202,
        headers: { "Content-Type": "application/json" },
      });
    }
    return new Response(new Blob(["photo"], { type: "image/jpeg" }), {
      headers: { "Content-Type": "image/jpeg" },
    });
  };
  URL.createObjectURL = () => "blob:photo";
  URL.revokeObjectURL = () => undefined;
  return state;
});

import { h, render } from "preact";
import { useState } from "preact/hooks";
import type { UploadImage } from "../api/uploads";
import { t } from "../i18n";
import { fakeDocument, fire, installFakeDom, settle, type FakeElement } from "../testing/fakeDom";
import { cornerPlace, insetQuad, withCorner, STEP } from "./corners";
import { ResultImage } from "./ResultImage";

function photo(fields: Record<string, unknown> = {}): UploadImage {
  return {
    image_id: "a",
    filename: "a.jpg",
    original_filename: "desk.jpg",
    page: null,
    index: 0,
    status: "done",
    width: 1200,
    height: 900,
    storage: { status: "stored" },
    ocr: { status: "done", blocks: [] },
    ...fields,
  } as unknown as UploadImage;
}

/** One image on the results page, followed as ResultsPage follows it: once sent to be read
 * again, its new detail replaces the old and the upload is being read. */
function Results(props: { image: UploadImage }) {
  const [image, setImage] = useState(props.image);
  const [settled, setSettled] = useState(true);
  return h(ResultImage, {
    uploadId: "u",
    image,
    showBoxes: false,
    corrections: new Map(),
    onCorrect: () => undefined,
    settled,
    onReread: (sent: UploadImage) => {
      setImage((before) => ({ ...before, ...sent }));
      setSettled(false);
    },
  });
}

function button(name: string): FakeElement | undefined {
  const named = (e: FakeElement) => e.localName === "button" && e.textContent === name;
  return fakeDocument.body.findAll(named)[0];
}

let page: typeof fakeDocument;

beforeEach(() => {
  page = installFakeDom();
  api.puts = 0;
});

afterEach(() => render(null, page.body as never));

async function openEditor(image = photo()) {
  render(h(Results, { image }), page.body as never);
  fire(button(t("adjustCorners"))!, "click");
  await settle(); // the editor's heading takes the focus, and the photo loads
}

describe("the corner editor on the results page", () => {
  it("announces where an arrow key moved a corner, politely", async () => {
    await openEditor();
    const [live] = page.body.findAll(
      (e) => e.getAttribute("aria-live") === "polite" && e.getAttribute("aria-atomic") === "true",
    );
    expect(live.textContent).toBe("");
    const topLeft = page.body.findAll((e) => e.getAttribute("data-corner") === "topLeft")[0];
    const key = fire(topLeft, "keydown", { key: "ArrowRight", shiftKey: false });
    await settle(0);
    expect(key.defaultPrevented).toBe(true);
    const moved = withCorner(insetQuad(), 0, [0.05 + STEP, 0.05]);
    expect(live.textContent).toBe(cornerPlace(moved, 0, t));
    expect(live.textContent).toBe("Top-left corner: 5.5 % from the left, 5 % from the top");
    // The handle's description follows it too, for when it next gains the focus.
    const described = topLeft.getAttribute("aria-describedby")!.split(" ")[0];
    const [where] = page.body.findAll((e) => e.getAttribute("id") === described);
    expect(where.textContent).toBe(live.textContent);
  });

  it("puts the focus on the image's heading once 'Read again' is sent", async () => {
    await openEditor();
    const readAgain = button(t("readAgain"))!;
    readAgain.focus();
    fire(readAgain, "click");
    await settle();
    expect(api.puts).toBe(1);
    // The editor and its toggle are gone (the upload is being read): not the focus with them.
    expect(button(t("readAgain"))).toBeUndefined();
    expect(button(t("adjustCorners"))).toBeUndefined();
    const focused = page.activeElement!;
    expect(focused.localName).toBe("h2");
    expect(focused.textContent).toContain("desk.jpg");
    expect(focused.getAttribute("tabIndex") ?? focused.getAttribute("tabindex")).toBe("-1");
  });

  it("offers the corners of a photo still marked as being read once the upload has settled", () => {
    const stuck = photo({ status: "processing", ocr: { status: "processing" } });
    render(h(Results, { image: stuck }), page.body as never);
    expect(button(t("adjustCorners"))).toBeDefined();
  });

  it("offers none for a PDF's page", () => {
    render(h(Results, { image: photo({ page: 3 }) }), page.body as never);
    expect(button(t("adjustCorners"))).toBeUndefined();
  });
});
