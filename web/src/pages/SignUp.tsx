/** Sign up: create an account with the JSON endpoint, then go to sign in. */
import { api } from "../api/client";
import { refusalMessage } from "./failures";
import { t } from "../i18n";
import { navigate } from "../router";
import { CredentialsForm } from "./CredentialsForm";
import { attempt } from "./attempt";

async function register(username: string, password: string): Promise<string | null> {
  return attempt(async () => {
    const { error, response } = await api.POST("/v1/auth/register", {
      body: { username, password },
    });
    if (error !== undefined) return refusalMessage(error, response.status, t);
    navigate("/sign-in?registered=1");
    return null;
  });
}

export function SignUpPage() {
  return (
    <section>
      <h1>{t("signUpTitle")}</h1>
      <p class="hint">{t("signUpHint")}</p>
      <CredentialsForm submitLabel={t("signUpSubmit")} newPassword submit={register} />
    </section>
  );
}
