/** Sign in: the browser flow (api/auth.ts) keeps the access token in memory and the refresh
 * token in an HttpOnly cookie, so a reload keeps the person signed in. */
import { signIn } from "../api/auth";
import { refusalMessage } from "./failures";
import { t } from "../i18n";
import { navigate } from "../router";
import { CredentialsForm } from "./CredentialsForm";
import { attempt } from "./attempt";
import { signInNotice } from "./accountChecks";

async function submit(username: string, password: string): Promise<string | null> {
  return attempt(async () => {
    const refusal = await signIn(username, password);
    if (refusal !== null) return refusalMessage(refusal.error, refusal.status, t);
    navigate("/upload");
    return null;
  });
}

export function SignInPage() {
  const registered = new URLSearchParams(location.search).has("registered");
  // Sent here by the account page: signed out on every device, or the account deleted.
  const notice = signInNotice(location.search);
  return (
    <section>
      <h1>{t("signInTitle")}</h1>
      {registered && (
        <p class="notice" role="status">
          {t("signedUp")}
        </p>
      )}
      {notice && (
        <p class="notice" role="status">
          {t(notice)}
        </p>
      )}
      <CredentialsForm submitLabel={t("signInSubmit")} newPassword={false} submit={submit} />
    </section>
  );
}
