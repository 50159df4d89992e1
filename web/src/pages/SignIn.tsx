/** Sign in: trade the credentials for an access token, kept in memory only (api/session.ts). */
import { api } from "../api/client";
import { problemMessage } from "../api/problems";
import { setSession } from "../api/session";
import { t } from "../i18n";
import { navigate } from "../router";
import { CredentialsForm } from "./CredentialsForm";
import { attempt } from "./attempt";

async function signIn(username: string, password: string): Promise<string | null> {
  return attempt(async () => {
    const { data, error, response } = await api.POST("/v1/auth/token", {
      body: { username, password },
    });
    if (error !== undefined) return problemMessage(error, response.status, t);
    // The refresh token is dropped: the HttpOnly cookie flow of issue 14 will carry it instead
    // of script-readable memory, so a session lasts one access token for now.
    setSession({ accessToken: data.access_token, username });
    navigate("/upload");
    return null;
  });
}

export function SignInPage() {
  const registered = new URLSearchParams(location.search).has("registered");
  return (
    <section>
      <h1>{t("signInTitle")}</h1>
      {registered && (
        <p class="notice" role="status">
          {t("signedUp")}
        </p>
      )}
      <CredentialsForm submitLabel={t("signInSubmit")} newPassword={false} submit={signIn} />
    </section>
  );
}
