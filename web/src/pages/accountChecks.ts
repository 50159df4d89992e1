/** The account page's checks before anything is sent (the API's own rules, so a person hears
 * what is wrong at once), its refusals in words, and the notice the sign-in page shows after the
 * account page signed the person out. */
import { PASSWORD_MAX, PASSWORD_MIN, passwordLength } from "../api/account";
import type { MessageKey, Translate } from "../i18n";
import { refusalMessage } from "./failures";

/** A field at fault and what to say about it. */
export interface FieldProblem<Field extends string> {
  field: Field;
  message: string;
}

export type PasswordField = "current" | "next" | "confirm";

/** The first thing wrong with a password change, in the fields' order, or null. */
export function passwordChangeProblem(
  form: { current: string; next: string; confirm: string },
  t: Translate,
): FieldProblem<PasswordField> | null {
  if (form.current === "") return { field: "current", message: t("checkCurrentMissing") };
  const length = passwordLength(form.next);
  if (length < PASSWORD_MIN) {
    return { field: "next", message: t("checkNewTooShort", { min: PASSWORD_MIN }) };
  }
  if (length > PASSWORD_MAX) {
    return { field: "next", message: t("checkNewTooLong", { max: PASSWORD_MAX }) };
  }
  if (form.next === form.current) return { field: "next", message: t("checkNewSame") };
  if (form.confirm !== form.next) return { field: "confirm", message: t("checkConfirmDiffers") };
  return null;
}

export type DeletionField = "username" | "password";

/** Deleting asks for the username typed exactly (no trimming, no case folding: usernames are
 * compared as they are) and the password. */
export function deletionProblem(
  form: { typed: string; password: string },
  username: string,
  t: Translate,
): FieldProblem<DeletionField> | null {
  if (form.typed !== username) {
    return { field: "username", message: t("checkUsernameDiffers", { name: username }) };
  }
  if (form.password === "") return { field: "password", message: t("checkPasswordMissing") };
  return null;
}

/** A refusal of a request that carried a password: too many wrong ones (429
 * `too-many-attempts`) say when to try again (`Retry-After`, in whole minutes, at least one);
 * the rest (a wrong password, another change of the account under way, invalid input) as other
 * refusals are said. */
export function passwordRefusal(error: unknown, response: Response, t: Translate): string {
  const problem = typeof error === "object" && error !== null ? (error as { code?: unknown }) : {};
  if (response.status === 429 && problem.code === "too-many-attempts") {
    const seconds = Number(response.headers.get("Retry-After"));
    const minutes = Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds / 60) : 1;
    return t("tooManyPasswordTries", { minutes });
  }
  return refusalMessage(error, response.status, t);
}

/** Whether a refusal was the password being wrong (`wrong-password`), the one refusal that puts
 * the password field at fault. Not any 403: a request the server took for a forged one
 * (`csrf-refused`) is a 403 too, and the password may well be right. */
export function isWrongPassword(error: unknown): boolean {
  const problem = typeof error === "object" && error !== null ? (error as { code?: unknown }) : {};
  return problem.code === "wrong-password";
}

/** The byte count of a download so far, as people read it. */
export function sizeInWords(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} kB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** What the sign-in page says when the account page sent the person there. */
export const SIGN_IN_NOTICES = {
  "signed-out-everywhere": "signedOutEverywhere",
  "account-deleted": "accountDeleted",
} as const satisfies Record<string, MessageKey>;

export type SignInNotice = keyof typeof SIGN_IN_NOTICES;

export function signInNotice(search: string): MessageKey | null {
  const notice = new URLSearchParams(search).get("notice");
  return notice !== null && Object.hasOwn(SIGN_IN_NOTICES, notice)
    ? SIGN_IN_NOTICES[notice as SignInNotice]
    : null;
}
