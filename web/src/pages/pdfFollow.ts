/** Asking for a deck's PDF until it is there: the API renders it on the first request, answering
 * 202 (with Retry-After) while it renders; each ask waits on the server up to WAIT_SECONDS. */

export const WAIT_SECONDS = 60;
/** About ten minutes of asking (each ask waits up to a minute) before telling the person. */
export const MAX_ASKS = 10;
const DEFAULT_PAUSE_MS = 2000;
const MAX_PAUSE_MS = 30_000;

/** What one ask answered, as the page needs it. */
export interface PdfAnswer {
  status: number;
  contentType: string | null;
  retryAfter: string | null;
  data?: unknown;
  error?: unknown;
}

export type PdfOutcome =
  | { kind: "file"; blob: Blob }
  | { kind: "refused"; status: number; error: unknown }
  // A 200 that is not a PDF: a gateway that does not know `format=pdf` sends the .pptx.
  | { kind: "not-pdf" }
  | { kind: "too-long" }
  | { kind: "stopped" };

/** The pause before asking again: the server's Retry-After (seconds or a date), kept between
 * a second and MAX_PAUSE_MS; DEFAULT_PAUSE_MS without one. */
export function retryPauseMs(retryAfter: string | null, now = Date.now()): number {
  if (retryAfter === null || retryAfter.trim() === "") return DEFAULT_PAUSE_MS;
  const seconds = Number(retryAfter);
  const date = Date.parse(retryAfter);
  const ms = Number.isFinite(seconds)
    ? seconds * 1000
    : Number.isNaN(date)
      ? DEFAULT_PAUSE_MS
      : date - now;
  return Math.min(Math.max(ms, 1000), MAX_PAUSE_MS);
}

/** Asks (`ask`) until the PDF comes, is refused, or MAX_ASKS 202s passed; `stopped` says the
 * page was left, so nothing more is asked. */
export async function followPdf(
  ask: () => Promise<PdfAnswer>,
  pause: (ms: number) => Promise<void>,
  stopped: () => boolean = () => false,
): Promise<PdfOutcome> {
  for (let asked = 0; asked < MAX_ASKS; asked++) {
    if (stopped()) return { kind: "stopped" };
    const answer = await ask();
    if (answer.status === 202) {
      await pause(retryPauseMs(answer.retryAfter));
      continue;
    }
    if (answer.status < 200 || answer.status >= 300) {
      return { kind: "refused", status: answer.status, error: answer.error };
    }
    const isPdf = (answer.contentType ?? "").split(";")[0].trim() === "application/pdf";
    if (!isPdf || !(answer.data instanceof Blob)) return { kind: "not-pdf" };
    return { kind: "file", blob: answer.data };
  }
  return { kind: "too-long" };
}
