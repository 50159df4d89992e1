/** The one typed client of the gateway's API, typed from its served OpenAPI document
 * (schema.d.ts, generated at build time), same origin as the page. */
import createClient from "openapi-fetch";
import { bearerSession } from "./bearer";
import type { components, paths } from "./schema";

export type Problem = components["schemas"]["Problem"];

export const api = createClient<paths>({ baseUrl: "" });
api.use(bearerSession);

/** The header every request of the browser's cookie flow carries: a page of another origin
 * cannot send it without a CORS preflight, which the gateway never grants (docs/api.md). */
export const CSRF_HEADERS = { "X-Jaryo-CSRF": "1" } as const;

/** The sign-in flow's own requests, without the bearer middleware: a renewal must not wait on
 * itself, and a refused refresh is an answer, not a reason to renew. */
export const authApi = createClient<paths>({ baseUrl: "", headers: CSRF_HEADERS });
