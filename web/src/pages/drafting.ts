/** Drafting a deck from an upload. `POST /v1/decks` with `from_upload` drafts from the OCR
 * result as read; it takes no corrections, so with corrections the draft's spec is corrected and
 * posted as the deck, and the uncorrected draft deleted. */
import { deleteDeck, draftDeck, getSpec, postSpec, type DeckFromUpload } from "../api/decks";
import type { UploadImage } from "../api/uploads";
import { t } from "../i18n";
import { refusalMessage } from "./failures";
import { applyCorrections, type Corrections } from "./ocrLines";

export type Drafted = { deckId: string } | { error: string };

export async function draft(
  request: DeckFromUpload,
  images: readonly UploadImage[],
  corrections: Corrections,
): Promise<Drafted> {
  const drafted = await draftDeck(request);
  if (drafted.error !== undefined) {
    return { error: refusalMessage(drafted.error, drafted.response.status, t) };
  }
  const draftId = drafted.data.deck_id;
  if (corrections.size === 0) return { deckId: draftId };
  const spec = await getSpec(draftId);
  if (spec.data === undefined) {
    return { error: t("unknownError", { status: spec.response.status }) };
  }
  const corrected = await postSpec(applyCorrections(spec.data, images, corrections));
  if (corrected.error !== undefined) {
    return { error: refusalMessage(corrected.error, corrected.response.status, t) };
  }
  await deleteDeck(draftId);
  return { deckId: corrected.data.deck_id };
}
