/** A deck: its build status followed live (the API's `?wait=` long poll), then the .pptx and
 * the PDF to download and the built slides' previews once they follow, or why the build failed. */
import { useEffect, useState } from "preact/hooks";
import { saveAs } from "../api/blobs";
import { fileUrl, previewUrl, waitForDeck, type Deck } from "../api/decks";
import { Announced } from "../components/Announced";
import { AuthImage } from "../components/AuthImage";
import { when } from "../components/dates";
import { t, type MessageKey } from "../i18n";
import { Link } from "../router";
import { PdfDownloadButton } from "./DeckPdf";
import { nextAsk } from "./deckFollow";
import { failureMessage } from "./failures";

const RETRY_MS = 3000;

type Followed = Deck | "missing" | "unreachable" | null;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The deck, asked again (deckFollow.nextAsk) until it is built with its previews or failed
 * (or the page is left); a failed request is asked again after a pause. */
function useDeck(deckId: string): Followed {
  const [deck, setDeck] = useState<Followed>(null);
  useEffect(() => {
    let live = true;
    const follow = async (wait: number): Promise<void> => {
      const answer = await waitForDeck(deckId, wait).catch(() => null);
      if (!live) return;
      if (answer?.response.status === 404) return setDeck("missing");
      if (!answer?.data) {
        setDeck((before) => (before === null ? "unreachable" : before));
        await pause(RETRY_MS);
        return live ? follow(0) : undefined;
      }
      setDeck(answer.data);
      const next = nextAsk(answer.data);
      if (next === "settled") return;
      if (next.pauseMs) await pause(next.pauseMs);
      return live ? follow(next.wait) : undefined;
    };
    void follow(0);
    return () => {
      live = false;
    };
  }, [deckId]);
  return deck;
}

export function DownloadButton(props: { deck: Deck }) {
  const [failed, setFailed] = useState(false);
  const download = async () => {
    const url = await fileUrl(props.deck.deck_id).catch(() => null);
    setFailed(url === null);
    if (url) saveAs(url, `${props.deck.title}.pptx`);
  };
  return (
    <>
      <button type="button" onClick={download}>
        {t("downloadDeck", { title: props.deck.title })}
      </button>
      {failed && <span class="error">{t("downloadFailed")}</span>}
    </>
  );
}

export function Previews(props: { deck: Deck }) {
  const { deck } = props;
  if (deck.previews_status === "pending") return <p class="hint">{t("previewsPending")}</p>;
  if (deck.previews_status === "failed") return <p class="hint">{t("previewsFailed")}</p>;
  if (!Array.isArray(deck.previews)) return <p class="hint">{t("previewsUnavailable")}</p>;
  return (
    <ol class="previews" aria-label={t("previewsTitle")}>
      {deck.previews.map((_, index) => (
        <li key={index}>
          <AuthImage
            alt={t("slideNumber", { number: index + 1 })}
            cacheKey={`${deck.deck_id}/r${deck.built_revision}/${index + 1}`}
            load={() => previewUrl(deck.deck_id, index + 1)}
          />
        </li>
      ))}
    </ol>
  );
}

function Built(props: { deck: Deck }) {
  const { deck } = props;
  if (deck.status === "failed") {
    return <Announced role="alert" lines={[failureMessage(deck.code, deck.reason ?? "", t)]} />;
  }
  if (deck.status !== "completed") return null;
  return (
    <>
      <p class="actions">
        <DownloadButton deck={deck} />
        <PdfDownloadButton deck={deck} />
      </p>
      <Previews deck={deck} />
    </>
  );
}

function stateOf(deck: Deck): string {
  return t(`deckStatus.${deck.status}` as MessageKey);
}

export function DeckPage(props: { deckId: string }) {
  const deck = useDeck(props.deckId);
  if (deck === null) return <p role="status">{t("loading")}</p>;
  if (deck === "missing") return <p role="alert">{t("deckMissing")}</p>;
  if (deck === "unreachable") return <p role="alert">{t("networkError")}</p>;
  return (
    <section>
      <h1>{deck.title}</h1>
      <Announced role="status" lines={[t("deckStatus", { status: stateOf(deck) })]} />
      <p class="hint">
        {t("expires", { date: when(deck.expires_at, t("never")) })} ·{" "}
        <Link href={`/decks/${deck.deck_id}/edit`}>{t("openEditor")}</Link>
      </p>
      <Built deck={deck} />
    </section>
  );
}
