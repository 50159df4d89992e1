/** Runs a request step; a network failure becomes the "could not reach the server" line. */
import { t } from "../i18n";

export async function attempt(step: () => Promise<string | null>): Promise<string | null> {
  try {
    return await step();
  } catch {
    return t("networkError");
  }
}
