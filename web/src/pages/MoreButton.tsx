/** The end of a paged list: "show more" while the API has another page, or why it failed. */
import { t } from "../i18n";

export function MoreButton(props: {
  list: { state: string; hasMore: boolean; more: () => Promise<void> };
}) {
  const { list } = props;
  if (list.state === "failed") return <p role="alert" class="error">{t("networkError")}</p>;
  if (list.state === "loading") return <p role="status">{t("loading")}</p>;
  if (!list.hasMore) return null;
  return (
    <button type="button" class="secondary" onClick={list.more}>
      {t("showMore")}
    </button>
  );
}
