/** "p. N" beside an image made from a PDF's page (its `page`); nothing for a photo. */
import { t } from "../i18n";

export function PageTag(props: { page: number | null }) {
  if (props.page === null) return null;
  return <span class="page-tag">{t("pageTag", { page: props.page })}</span>;
}
