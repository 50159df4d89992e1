/** The signed-in person's token on every request. A token about to expire is renewed first; a
 * token the API refuses (401) gets one renewal, and the request is sent again if it has no body
 * to resend; if the renewal is refused too, the person is signed out and the app asks them to
 * sign in, instead of failing request after request. */
import type { Middleware } from "openapi-fetch";
import { currentSession, isStale, renew, setSession } from "./session";

function bearer(): string | null {
  const session = currentSession();
  return session ? `Bearer ${session.accessToken}` : null;
}

export const bearerSession: Middleware = {
  async onRequest({ request }) {
    if (isStale()) await renew();
    const authorization = bearer();
    if (authorization) request.headers.set("Authorization", authorization);
    return request;
  },
  async onResponse({ request, response, options }) {
    const sent = request.headers.get("Authorization");
    if (response.status !== 401 || sent === null) return response;
    if (!(await renew())) {
      setSession(null);
      return response;
    }
    const authorization = bearer();
    // A body (an upload's files) was streamed away and cannot be sent again: the caller sees
    // this 401 once, and its next request carries the renewed token.
    if (authorization === null || authorization === sent || request.body !== null) return response;
    const again = new Request(request);
    again.headers.set("Authorization", authorization);
    return options.fetch(again);
  },
};
