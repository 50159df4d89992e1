/** Delete with a confirmation asked in place (not window.confirm): the first press asks, the
 * second deletes, Cancel puts things back. Gone already (404) counts as deleted; any other
 * answer is said beside the buttons. */
import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "../i18n";

/** Whether the thing is gone: deleted now, or already (404); null is a request that failed. */
export function isGone(answer: { response: Response } | null): boolean {
  return answer !== null && (answer.response.ok || answer.response.status === 404);
}

export function ConfirmDelete(props: {
  what: string;
  request: () => Promise<{ response: Response }>;
  onDeleted: () => void;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const confirm = useRef<HTMLButtonElement>(null);
  const ask = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  useEffect(() => {
    // Focus follows the question and comes back to the button when it is withdrawn.
    if (asking) confirm.current?.focus();
    else if (asked.current) ask.current?.focus();
    asked.current = asking;
  }, [asking]);
  if (!asking) {
    return (
      <button type="button" class="danger" ref={ask} onClick={() => setAsking(true)}>
        {t("deleteAsk", { what: props.what })}
      </button>
    );
  }
  const remove = async () => {
    setBusy(true);
    const gone = isGone(await props.request().catch(() => null));
    setBusy(false);
    setFailed(!gone);
    if (gone) props.onDeleted();
  };
  return (
    <span role="group" aria-label={t("deleteConfirmLabel", { what: props.what })} class="confirm">
      <button type="button" class="danger" ref={confirm} disabled={busy} onClick={remove}>
        {t("deleteYes", { what: props.what })}
      </button>
      <button type="button" class="secondary" onClick={() => setAsking(false)}>
        {t("cancel")}
      </button>
      {failed && <span role="alert" class="error">{t("deleteFailed")}</span>}
    </span>
  );
}
