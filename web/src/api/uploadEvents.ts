/** Following an upload live over `GET /v1/uploads/{id}/events` (Server-Sent Events). The API
 * wants a bearer token, which EventSource cannot send, so the stream is read through fetch. */
import { api } from "./client";
import type { components } from "./schema";

export type Progress = {
  status: components["schemas"]["Upload"]["status"];
  images: ProgressImage[];
};
export type ProgressImage = {
  image_id: string;
  filename: string;
  /** The PDF page it was made from, if the stream says (uploadRows.pageOf reads it). */
  page?: number | null;
  status: "queued" | "processing" | "done" | "failed";
  storage: { status: string };
  reason?: string;
  code?: string;
};
export interface StreamEvent {
  event: string;
  data: string;
}

const RECONNECT_MS = 3000;

/** The complete events at the start of `buffer` (each ends with a blank line), and the rest. */
export function splitEvents(buffer: string): { events: StreamEvent[]; rest: string } {
  const blocks = buffer.replace(/\r\n?/g, "\n").split("\n\n");
  const rest = blocks.pop() ?? "";
  const events: StreamEvent[] = [];
  for (const block of blocks) {
    let event = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (data.length > 0) events.push({ event, data: data.join("\n") });
  }
  return { events, rest };
}

/** Reads one connection's events into `onEvent`; true once the upload finished or went. */
async function readOnce(
  uploadId: string,
  onEvent: (event: StreamEvent) => void,
  signal: AbortSignal,
): Promise<boolean> {
  const { data, response } = await api.GET("/v1/uploads/{upload_id}/events", {
    params: { path: { upload_id: uploadId } },
    parseAs: "stream",
    signal,
  });
  if (!response.ok || !data) return response.status === 404;
  const reader = data.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return false;
    const { events, rest } = splitEvents(buffer + value);
    buffer = rest;
    for (const event of events) onEvent(event);
    if (events.some((e) => e.event === "completed" || e.event === "gone")) return true;
  }
}

/** Follows the upload until it finishes (reconnecting when the server ends a long stream, as
 * EventSource would) or `signal` aborts. */
export async function followUpload(
  uploadId: string,
  onProgress: (progress: Progress) => void,
  signal: AbortSignal,
): Promise<void> {
  const onEvent = (event: StreamEvent) => {
    if (event.event === "progress" || event.event === "completed") {
      onProgress(JSON.parse(event.data) as Progress);
    }
  };
  while (!signal.aborted) {
    // A dropped connection is tried again, as EventSource would; leaving the page aborts.
    if (await readOnce(uploadId, onEvent, signal).catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
  }
}
