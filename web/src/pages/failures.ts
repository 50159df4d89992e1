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

/** What a problem may say besides its code (docs/api.md): the `limit` it met with the number
 * `allowed`, why a PDF was refused (`reason`), why a deck's PDF could not be made
 * (`failure_code`). */
interface ProblemFields {
  code?: string;
  filename?: string;
  limit?: string;
  allowed?: number;
  reason?: string;
  failure_code?: string;
}

/** The most telling sentence the catalogue has for the problem, else the API's prose. */
function sentenceOf(problem: ProblemFields, error: unknown, status: number, t: Translate): string {
  const limit = `limit.${problem.limit}`;
  if (known(limit) && typeof problem.allowed === "number") {
    return t(limit, { allowed: problem.allowed });
  }
  const pdfReason = `pdfReason.${problem.reason}`;
  if (problem.code === "unacceptable-pdf" && known(pdfReason)) return t(pdfReason);
  const failure = `failure.${problem.failure_code}`;
  if (problem.code === "pdf-not-made" && known(failure)) {
    return t("pdfNotMade", { why: t(failure) });
  }
  const code = `problem.${problem.code}`;
  return known(code) ? t(code) : problemMessage(error, status, t);
}

/** A refused request (problem+json) in words, naming the file at fault if it has one. */
export function refusalMessage(error: unknown, status: number, t: Translate): string {
  const problem = (typeof error === "object" && error !== null ? error : {}) as ProblemFields;
  const sentence = sentenceOf(problem, error, status, t);
  return problem.filename ? t("fileRefused", { name: problem.filename, why: sentence }) : sentence;
}
