/** The username-and-password form that sign-in and sign-up share: labelled fields, a busy
 * button, and the API's refusal shown in an alert region. */
import { useState } from "preact/hooks";
import { t } from "../i18n";

export interface CredentialsFormProps {
  submitLabel: string;
  newPassword: boolean;
  /** Sends the credentials; resolves to an error line to show, or null when done. */
  submit: (username: string, password: string) => Promise<string | null>;
}

interface FieldProps {
  label: string;
  name: string;
  type?: string;
  autocomplete: string;
  onInput: (value: string) => void;
}

function Field(props: FieldProps) {
  return (
    <label>
      {props.label}
      <input
        name={props.name}
        type={props.type ?? "text"}
        autocomplete={props.autocomplete}
        required
        onInput={(event) => props.onInput(event.currentTarget.value)}
      />
    </label>
  );
}

export function CredentialsForm(props: CredentialsFormProps) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const refusal = await props.submit(username, password);
    setBusy(false);
    setError(refusal);
  };

  return (
    <form onSubmit={onSubmit}>
      <Field label={t("username")} name="username" autocomplete="username" onInput={setUsername} />
      <Field
        label={t("password")}
        name="password"
        type="password"
        autocomplete={props.newPassword ? "new-password" : "current-password"}
        onInput={setPassword}
      />
      <button type="submit" disabled={busy}>
        {busy ? t("working") : props.submitLabel}
      </button>
      <p role="alert" class="error">
        {error}
      </p>
    </form>
  );
}
