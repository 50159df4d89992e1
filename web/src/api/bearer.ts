/** The signed-in person's token on every request; a token the API refuses (401) signs them out,
 * so the app asks them to sign in again instead of failing request after request. */
import type { Middleware } from "openapi-fetch";
import { currentSession, setSession } from "./session";

export const bearerSession: Middleware = {
  onRequest({ request }) {
    const session = currentSession();
    if (session) request.headers.set("Authorization", `Bearer ${session.accessToken}`);
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && request.headers.has("Authorization")) setSession(null);
    return response;
  },
};
