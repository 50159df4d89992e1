/** What autosave is doing, said in a live region; a stale tab (412) gets an alert and a reload. */
import type { SaveState } from "../../editor/autosave";
import { t } from "../../i18n";

export function SaveStatus(props: { state: SaveState; retry(): void; reload(): void }) {
  const { state } = props;
  if (state.kind === "conflict")
    return (
      <div role="alert" class="error save-status">
        <p>{t("editorConflict")}</p>
        <button type="button" onClick={props.reload}>{t("editorReload")}</button>
      </div>
    );
  if (state.kind === "failed")
    return (
      <div role="alert" class="error save-status">
        <p>{t("editorSaveFailed", { reason: state.message })}</p>
        <button type="button" onClick={props.retry}>{t("editorRetry")}</button>
      </div>
    );
  const words = { saved: "editorSaved", pending: "editorPending", saving: "editorSaving" } as const;
  return (
    <p role="status" class="notice save-status">
      {t(words[state.kind])}
    </p>
  );
}
