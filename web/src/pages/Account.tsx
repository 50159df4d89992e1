/** The account page (issue 19): who is signed in, change the password, download every record,
 * sign out on every device, delete the account. The focus goes to the heading on arrival. */
import { useEffect, useRef, useState } from "preact/hooks";
import { signOutEverywhere } from "../api/account";
import { signedOutByServer } from "../api/auth";
import { t } from "../i18n";
import { navigate } from "../router";
import { AccountDeletion } from "./AccountDeletion";
import { DataExport } from "./DataExport";
import { PasswordChange } from "./PasswordChange";
import { attempt } from "./attempt";
import { refusalMessage } from "./failures";

function SignOutEverywhere() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const signOut = async () => {
    setBusy(true);
    setError(null);
    const refusal = await attempt(async () => {
      const { error, response } = await signOutEverywhere();
      if (!response.ok) return refusalMessage(error, response.status, t);
      // To sign in first, then forget the session: the page never shows a bare redirect.
      navigate("/sign-in?notice=signed-out-everywhere");
      signedOutByServer();
      return null;
    });
    setBusy(false);
    setError(refusal);
  };
  return (
    <div class="account-form">
      <div class="actions">
        <button type="button" class="secondary" onClick={signOut} disabled={busy}>
          {busy ? t("working") : t("signOutAllSubmit")}
        </button>
      </div>
      <p role="alert" class="error">
        {error}
      </p>
    </div>
  );
}

export function AccountPage(props: { username: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section class="account">
      <h1 ref={heading} tabIndex={-1}>
        {t("accountTitle")}
      </h1>
      <p>{t("accountSignedInAs", { name: props.username })}</p>
      <section aria-labelledby="account-password">
        <h2 id="account-password">{t("passwordTitle")}</h2>
        <PasswordChange />
      </section>
      <section aria-labelledby="account-export">
        <h2 id="account-export">{t("exportTitle")}</h2>
        <p class="hint">{t("exportHint")}</p>
        <DataExport />
      </section>
      <section aria-labelledby="account-sign-out">
        <h2 id="account-sign-out">{t("signOutAllTitle")}</h2>
        <p class="hint">{t("signOutAllHint")}</p>
        <SignOutEverywhere />
      </section>
      <section aria-labelledby="account-delete" class="danger-zone">
        <h2 id="account-delete">{t("deleteAccountTitle")}</h2>
        <p class="hint">{t("deleteAccountHint")}</p>
        <AccountDeletion username={props.username} />
      </section>
    </section>
  );
}
