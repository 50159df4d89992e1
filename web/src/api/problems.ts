/** Turns what the API refused with (application/problem+json) into one line for the person. */
import type { Translate } from "../i18n";
import type { Problem } from "./client";

function isProblem(value: unknown): value is Problem {
  return typeof value === "object" && value !== null && "title" in value && "status" in value;
}

/** The problem's own words (detail, and each field at fault), else a generic line. */
export function problemMessage(error: unknown, status: number, t: Translate): string {
  if (!isProblem(error)) return t("unknownError", { status });
  const fields = (error.errors ?? []).map((field) => field.detail).filter(Boolean);
  if (fields.length > 0) return fields.join(" ");
  return error.detail ?? error.title;
}
