import { describe, expect, it } from "vitest";
import { followPdf, MAX_ASKS, retryPauseMs, type PdfAnswer } from "./pdfFollow";

const pdf = new Blob(["%PDF-1.7\n"], { type: "application/pdf" });
const ready: PdfAnswer = {
  status: 200,
  contentType: "application/pdf",
  retryAfter: null,
  data: pdf,
};
const rendering: PdfAnswer = {
  status: 202,
  contentType: "application/json",
  retryAfter: "5",
  data: new Blob(['{"status":"rendering"}']),
};

/** An API answering each ask with the next answer (the last one repeats), and what was paused. */
function answering(...answers: PdfAnswer[]) {
  const queue = [...answers];
  const pauses: number[] = [];
  let asks = 0;
  const ask = async () => {
    asks += 1;
    return queue.length > 1 ? queue.shift()! : queue[0];
  };
  const pause = async (ms: number) => {
    pauses.push(ms);
  };
  return { ask, pause, pauses, asks: () => asks };
}

describe("downloading a deck's PDF", () => {
  it("saves the file the first ask brings", async () => {
    const api = answering(ready);
    expect(await followPdf(api.ask, api.pause)).toEqual({ kind: "file", blob: pdf });
    expect(api.asks()).toBe(1);
  });

  it("asks again after the server's Retry-After while the PDF is being rendered", async () => {
    const api = answering(rendering, rendering, ready);
    expect((await followPdf(api.ask, api.pause)).kind).toBe("file");
    expect(api.asks()).toBe(3);
    expect(api.pauses).toEqual([5000, 5000]);
  });

  it("gives up, saying so, when the PDF keeps being rendered", async () => {
    const api = answering(rendering);
    expect(await followPdf(api.ask, api.pause)).toEqual({ kind: "too-long" });
    expect(api.asks()).toBe(MAX_ASKS);
  });

  it("hands back the problem of a render that failed, or of a refusal", async () => {
    const problem = { type: "x", title: "PDF failed", status: 422, code: "deck-pdf-failed" };
    const api = answering(rendering, {
      status: 422,
      contentType: "application/problem+json",
      retryAfter: null,
      error: problem,
    });
    expect(await followPdf(api.ask, api.pause)).toEqual({
      kind: "refused",
      status: 422,
      error: problem,
    });
  });

  it("does not save a .pptx as a PDF (a gateway that does not know format=pdf)", async () => {
    const pptx = new Blob(["PK"]);
    const type = "application/vnd.openxmlformats-officedocument.presentationml.presentation";
    const api = answering({ status: 200, contentType: type, retryAfter: null, data: pptx });
    expect(await followPdf(api.ask, api.pause)).toEqual({ kind: "not-pdf" });
  });

  it("stops asking once the page is left", async () => {
    const api = answering(rendering);
    let left = false;
    const pause = async () => {
      left = true;
    };
    expect(await followPdf(api.ask, pause, () => left)).toEqual({ kind: "stopped" });
    expect(api.asks()).toBe(1);
  });

  it("pauses between a second and half a minute, as Retry-After says in seconds or a date", () => {
    const now = Date.parse("2026-12-01T10:00:00Z");
    expect(retryPauseMs("3", now)).toBe(3000);
    expect(retryPauseMs("0", now)).toBe(1000);
    expect(retryPauseMs("600", now)).toBe(30_000);
    expect(retryPauseMs("Tue, 01 Dec 2026 10:00:07 GMT", now)).toBe(7000);
    expect(retryPauseMs(null, now)).toBe(2000);
    expect(retryPauseMs("soon", now)).toBe(2000);
  });
});
