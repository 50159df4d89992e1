/** "Delete my account", asked in place: the danger said plainly, the username typed and the
 * password; on the API's 204 the account is gone, and the person lands on sign in, told so.
 * Cancel (or Escape) withdraws the question and gives the focus back to the button. */
import { useEffect, useId, useRef, useState } from "preact/hooks";
import { deleteAccount } from "../api/account";
import { signedOutByServer } from "../api/auth";
import { t } from "../i18n";
import { navigate } from "../router";
import { AccountField } from "./AccountField";
import {
  deletionProblem,
  isWrongPassword,
  passwordRefusal,
  type DeletionField,
} from "./accountChecks";
import { attempt } from "./attempt";

export function AccountDeletion(props: { username: string }) {
  const [asking, setAsking] = useState(false);
  const [typed, setTyped] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [invalid, setInvalid] = useState<DeletionField | null>(null);
  const ask = useRef<HTMLButtonElement>(null);
  const fields = {
    username: useRef<HTMLInputElement>(null),
    password: useRef<HTMLInputElement>(null),
  };
  const asked = useRef(false);
  const id = useId();
  useEffect(() => {
    // The focus follows the question, and comes back to the button when it is withdrawn.
    if (asking) fields.username.current?.focus();
    else if (asked.current) ask.current?.focus();
    asked.current = asking;
  }, [asking]);

  if (!asking) {
    return (
      <button type="button" class="danger" ref={ask} onClick={() => setAsking(true)}>
        {t("deleteAccountAsk")}
      </button>
    );
  }

  const refuse = (message: string, field: DeletionField | null) => {
    setError(message);
    setInvalid(field);
    if (field) fields[field].current?.focus();
  };
  const cancel = () => {
    setTyped("");
    setPassword("");
    setError(null);
    setInvalid(null);
    setAsking(false);
  };
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const problem = deletionProblem({ typed, password }, props.username, t);
    if (problem) return refuse(problem.message, problem.field);
    setBusy(true);
    setError(null);
    setInvalid(null);
    let wrongPassword = false;
    const refusal = await attempt(async () => {
      const { error, response } = await deleteAccount(password);
      if (response.status === 204) {
        // To sign in first, then forget the session: the page never shows a bare redirect.
        navigate("/sign-in?notice=account-deleted");
        signedOutByServer();
        return null;
      }
      wrongPassword = isWrongPassword(error);
      return passwordRefusal(error, response, t);
    });
    setBusy(false);
    if (refusal !== null) refuse(refusal, wrongPassword ? "password" : null);
  };
  // The username kept on one line (a name like "ada-lee" would otherwise break at its dash).
  const warning = t("deleteAccountWarning", { name: "\u0000" }).split("\u0000");
  const errorFor = (field: DeletionField) => (invalid === field ? `${id}-error` : undefined);

  return (
    <form
      onSubmit={onSubmit}
      onKeyDown={(event) => event.key === "Escape" && !busy && cancel()}
      class="account-form confirm-deletion"
      aria-labelledby={`${id}-label`}
      noValidate
    >
      <p id={`${id}-label`} class="warning">
        <strong>{t("deleteAccountConfirmLabel")}:</strong> {warning[0]}
        <strong class="nowrap">{props.username}</strong>
        {warning[1]}
      </p>
      <AccountField
        label={t("typeUsername", { name: props.username })}
        name="confirm-username"
        type="text"
        autocomplete="off"
        value={typed}
        onInput={setTyped}
        invalid={invalid === "username"}
        describedBy={errorFor("username")}
        inputRef={fields.username}
      />
      <AccountField
        label={t("password")}
        name="password"
        autocomplete="current-password"
        value={password}
        onInput={setPassword}
        invalid={invalid === "password"}
        describedBy={errorFor("password")}
        inputRef={fields.password}
      />
      <div class="actions">
        <button type="submit" class="danger" disabled={busy}>
          {busy ? t("working") : t("deleteAccountYes")}
        </button>
        <button type="button" class="secondary" onClick={cancel}>
          {t("cancel")}
        </button>
      </div>
      <p role="alert" class="error" id={`${id}-error`}>
        {error}
      </p>
    </form>
  );
}
