/** The one typed client of the gateway's API, typed from its served OpenAPI document
 * (schema.d.ts, generated at build time), same origin as the page. */
import createClient from "openapi-fetch";
import { bearerSession } from "./bearer";
import type { components, paths } from "./schema";

export type Problem = components["schemas"]["Problem"];

export const api = createClient<paths>({ baseUrl: "" });
api.use(bearerSession);
