/** My uploads: newest first, page by page, each with its status, image count and expiry, a
 * link to its results, and delete with a confirmation. */
import { deleteUpload, listUploads, type UploadSummary } from "../api/uploads";
import { ConfirmDelete } from "../components/ConfirmDelete";
import { when } from "../components/dates";
import { usePaged } from "../components/paged";
import { t, type MessageKey } from "../i18n";
import { Link } from "../router";
import { MoreButton } from "./MoreButton";

function UploadItem(props: { upload: UploadSummary; onDeleted: () => void }) {
  const { upload } = props;
  const name = t("uploadOf", { date: when(upload.created_at, "") });
  return (
    <li class="card">
      <h2>{name}</h2>
      <p>
        {t(`uploadState.${upload.status}` as MessageKey)} ·{" "}
        {t("imageCount", { count: upload.image_count })} ·{" "}
        {t("expires", { date: when(upload.expires_at, t("never")) })}
      </p>
      <p class="actions">
        <Link href={`/uploads/${upload.upload_id}`}>{t("openResults")}</Link>
        <ConfirmDelete
          what={name}
          request={() => deleteUpload(upload.upload_id)}
          onDeleted={props.onDeleted}
        />
      </p>
    </li>
  );
}

export function MyUploadsPage() {
  const list = usePaged(listUploads);
  return (
    <section>
      <h1>{t("myUploadsTitle")}</h1>
      {list.state === "ready" && list.items.length === 0 && (
        <p class="empty">
          {t("noUploads")} <Link href="/upload">{t("navUpload")}</Link>
        </p>
      )}
      <ul class="cards">
        {list.items.map((upload) => (
          <UploadItem
            key={upload.upload_id}
            upload={upload}
            onDeleted={() => list.remove(upload)}
          />
        ))}
      </ul>
      <MoreButton list={list} />
    </section>
  );
}
