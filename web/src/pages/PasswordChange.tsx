/** Change the password: the current one, the new one twice, checked as the API checks them
 * before sending; on success this device goes on with the new access token (the answer also set
 * its new refresh cookie) and every other device is signed out by the API. */
import { useId, useRef, useState } from "preact/hooks";
import { changePassword } from "../api/account";
import { continueWith } from "../api/auth";
import { t } from "../i18n";
import { AccountField } from "./AccountField";
import {
  isWrongPassword,
  passwordChangeProblem,
  passwordRefusal,
  type PasswordField,
} from "./accountChecks";
import { attempt } from "./attempt";

export function PasswordChange() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [invalid, setInvalid] = useState<PasswordField | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const fields = {
    current: useRef<HTMLInputElement>(null),
    next: useRef<HTMLInputElement>(null),
    confirm: useRef<HTMLInputElement>(null),
  };
  const id = useId();

  const refuse = (message: string, field: PasswordField | null) => {
    setError(message);
    setInvalid(field);
    if (field) fields[field].current?.focus();
  };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    setNotice(null);
    const problem = passwordChangeProblem({ current, next, confirm }, t);
    if (problem) return refuse(problem.message, problem.field);
    setBusy(true);
    setError(null);
    setInvalid(null);
    let wrongPassword = false;
    const refusal = await attempt(async () => {
      const { data, error, response } = await changePassword(current, next);
      if (data === undefined) {
        wrongPassword = isWrongPassword(error);
        return passwordRefusal(error, response, t);
      }
      continueWith(data.access_token, data.expires_in);
      return null;
    });
    setBusy(false);
    if (refusal !== null) return refuse(refusal, wrongPassword ? "current" : null);
    setCurrent("");
    setNext("");
    setConfirm("");
    setNotice(t("passwordChanged"));
  };

  const describedBy = (field: PasswordField, ...more: string[]) =>
    [...more, invalid === field ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <form onSubmit={onSubmit} class="account-form" noValidate>
      <AccountField
        label={t("currentPassword")}
        name="current-password"
        autocomplete="current-password"
        value={current}
        onInput={setCurrent}
        invalid={invalid === "current"}
        describedBy={describedBy("current")}
        inputRef={fields.current}
      />
      <AccountField
        label={t("newPassword")}
        name="new-password"
        autocomplete="new-password"
        value={next}
        onInput={setNext}
        invalid={invalid === "next"}
        describedBy={describedBy("next", `${id}-hint`)}
        inputRef={fields.next}
      />
      <p id={`${id}-hint`} class="hint">
        {t("newPasswordHint")}
      </p>
      <AccountField
        label={t("confirmPassword")}
        name="confirm-password"
        autocomplete="new-password"
        value={confirm}
        onInput={setConfirm}
        invalid={invalid === "confirm"}
        describedBy={describedBy("confirm")}
        inputRef={fields.confirm}
      />
      <div class="actions">
        <button type="submit" disabled={busy}>
          {busy ? t("working") : t("passwordSubmit")}
        </button>
      </div>
      <p role="alert" class="error" id={`${id}-error`}>
        {error}
      </p>
      <p role="status" class="notice">
        {notice}
      </p>
    </form>
  );
}
