/** The one typed client of the gateway's API, typed from its served OpenAPI document
 * (schema.d.ts, generated at build time). Every request carries the signed-in person's token. */
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";
import { currentSession } from "./session";

export type Problem = components["schemas"]["Problem"];

export const api = createClient<paths>({ baseUrl: "" });

api.use({
  onRequest({ request }) {
    const session = currentSession();
    if (session) request.headers.set("Authorization", `Bearer ${session.accessToken}`);
    return request;
  },
});
