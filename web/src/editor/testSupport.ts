/// <reference types="node" />
/** For the editor's tests only: answers from the repository's Python (the gateway's OpenAPI
 * document, the templates' .pptx files), so the model is checked against the real contracts. */
import { execFileSync } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const python = process.env.JARYO_PYTHON ?? resolve(repo, ".venv/bin/python");

/** Runs a Python snippet in the repository and parses what it prints as JSON. */
export function pythonJson(code: string): unknown {
  return JSON.parse(execFileSync(python, ["-c", code], { cwd: repo, encoding: "utf8" }));
}

let document: Record<string, unknown> | null = null;

/** The OpenAPI document exactly as the gateway serves it (web/scripts/openapi_document.py). */
export function openapiDocument(): Record<string, unknown> {
  const script = resolve(repo, "web/scripts/openapi_document.py");
  document ??= JSON.parse(execFileSync(python, [script], { cwd: repo, encoding: "utf8" }));
  return document!;
}
