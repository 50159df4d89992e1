/** Why something was refused or failed, in the person's language: the API's stable `code`
 * picks a sentence of the catalogue; its prose (`detail` or `reason`) is the fallback. */
import { problemMessage } from "../api/problems";
import { en } from "../i18n/en";
import type { MessageKey, Translate } from "../i18n";

function known(key: string): key is MessageKey {
  return key in en;
}

/** A failed image's or deck's reason, from its code. */
export function failureMessage(code: string | undefined, reason: string, t: Translate): string {
  const key = `failure.${code}`;
  return known(key) ? t(key) : reason;
}

/** A refused request (problem+json), from its code, naming the file at fault if it has one.
 * A problem naming the `limit` it met (PDF pages per file or per upload) is told by that
 * limit, which says more than the code it shares with other refusals of an upload. */
export function refusalMessage(error: unknown, status: number, t: Translate): string {
  const problem = (typeof error === "object" && error !== null ? error : {}) as {
    code?: string;
    filename?: string;
    limit?: string;
  };
  const byLimit = `limit.${problem.limit}`;
  const byCode = `problem.${problem.code}`;
  const sentence = known(byLimit)
    ? t(byLimit)
    : known(byCode)
      ? t(byCode)
      : problemMessage(error, status, t);
  return problem.filename ? t("fileRefused", { name: problem.filename, why: sentence }) : sentence;
}
