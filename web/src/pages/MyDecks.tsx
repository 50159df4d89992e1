/** My decks: newest first, page by page, each with its status and expiry, links to its page
 * (previews) and the editor, its download once built, and delete with a confirmation. */
import { deleteDeck, listDecks, type Deck } from "../api/decks";
import { ConfirmDelete } from "../components/ConfirmDelete";
import { when } from "../components/dates";
import { usePaged } from "../components/paged";
import { t, type MessageKey } from "../i18n";
import { Link } from "../router";
import { DownloadButton } from "./Deck";
import { MoreButton } from "./MoreButton";

function DeckItem(props: { deck: Deck; onDeleted: () => void }) {
  const { deck } = props;
  return (
    <li class="card">
      <h2>
        <Link href={`/decks/${deck.deck_id}`}>{deck.title}</Link>
      </h2>
      <p>
        {t(`deckStatus.${deck.status}` as MessageKey)} ·{" "}
        {t("slideCount", { count: deck.slide_count })} ·{" "}
        {t("expires", { date: when(deck.expires_at, t("never")) })}
      </p>
      <p class="actions">
        <Link href={`/decks/${deck.deck_id}`}>{t("openPreviews")}</Link>
        <Link href={`/decks/${deck.deck_id}/edit`}>{t("openEditor")}</Link>
        {deck.status === "completed" && <DownloadButton deck={deck} />}
        <ConfirmDelete
          what={deck.title}
          request={() => deleteDeck(deck.deck_id)}
          onDeleted={props.onDeleted}
        />
      </p>
    </li>
  );
}

export function MyDecksPage() {
  const list = usePaged(listDecks);
  return (
    <section>
      <h1>{t("myDecksTitle")}</h1>
      {list.state === "ready" && list.items.length === 0 && <p class="empty">{t("noDecks")}</p>}
      <ul class="cards">
        {list.items.map((deck) => (
          <DeckItem key={deck.deck_id} deck={deck} onDeleted={() => list.remove(deck)} />
        ))}
      </ul>
      <MoreButton list={list} />
    </section>
  );
}
