/** The deck as a PDF, beside its .pptx: asked with `?wait`, asked again while the API answers
 * 202 (the first export of a revision is rendered then), saying meanwhile that it is being
 * prepared; a refusal or a failed render is said in words. */
import { useEffect, useRef, useState } from "preact/hooks";
import { saveAs } from "../api/blobs";
import type { Deck } from "../api/decks";
import { askDeckPdf } from "../api/exports";
import { t } from "../i18n";
import { refusalMessage } from "./failures";
import { followPdf, WAIT_SECONDS, type PdfAnswer, type PdfOutcome } from "./pdfFollow";

// The object URL outlives the click long enough for the browser to start the download.
const RELEASE_URL_MS = 60_000;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function ask(deckId: string, signal: AbortSignal): Promise<PdfAnswer> {
  const { data, error, response } = await askDeckPdf(deckId, WAIT_SECONDS, signal);
  return {
    status: response.status,
    contentType: response.headers.get("Content-Type"),
    retryAfter: response.headers.get("Retry-After"),
    data,
    error,
  };
}

/** What the person is told after asking; null once the file is saved. */
function outcomeMessage(outcome: PdfOutcome): string | null {
  switch (outcome.kind) {
    case "file":
    case "stopped":
      return null;
    case "refused":
      return refusalMessage(outcome.error, outcome.status, t);
    case "not-pdf":
      return t("pdfNotOffered");
    case "too-long":
      return t("pdfTooLong");
  }
}

export function PdfDownloadButton(props: { deck: Deck }) {
  const [preparing, setPreparing] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const leaving = useRef(new AbortController());
  // Leaving the page ends the waiting request, which frees its slot on the server.
  useEffect(() => () => leaving.current.abort(), []);
  const download = async () => {
    const signal = leaving.current.signal;
    setPreparing(true);
    setProblem(null);
    const outcome = await followPdf(
      () => ask(props.deck.deck_id, signal),
      pause,
      () => signal.aborted,
    ).catch((): PdfOutcome | null => null);
    if (signal.aborted) return;
    setPreparing(false);
    if (outcome?.kind === "file") {
      const url = URL.createObjectURL(outcome.blob);
      saveAs(url, `${props.deck.title}.pdf`);
      setTimeout(() => URL.revokeObjectURL(url), RELEASE_URL_MS);
    }
    setProblem(outcome === null ? t("networkError") : outcomeMessage(outcome));
  };
  return (
    <span class="download-action">
      <button type="button" class="secondary" onClick={download} disabled={preparing}>
        {t("downloadPdf")}
      </button>
      {/* A live region of its own: the page's status already says how the build stands. */}
      <span aria-live="polite" class={problem ? "error" : "hint"}>
        {preparing ? t("pdfPreparing") : problem}
      </span>
    </span>
  );
}
