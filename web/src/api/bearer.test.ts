import createClient from "openapi-fetch";
import { afterEach, describe, expect, it, vi } from "vitest";
import { bearerSession } from "./bearer";
import { currentSession, setRenewer, setSession } from "./session";

/** A client whose API answers each request with the next status (the last one repeats). */
function clientAnswering(statuses: number | number[], seen: Request[] = []) {
  const queue = Array.isArray(statuses) ? [...statuses] : [statuses];
  const client = createClient({
    baseUrl: "http://gateway.test",
    fetch: async (request: Request) => {
      seen.push(request);
      const status = queue.length > 1 ? queue.shift()! : queue[0];
      return new Response("{}", { status, headers: { "Content-Type": "application/json" } });
    },
  });
  client.use(bearerSession);
  return client;
}

/** A renewer that sets `token` (or, given null, is refused and signs the person out). */
function renewingTo(token: string | null) {
  return vi.fn(async () => {
    const session = currentSession();
    if (token === null || session === null) {
      setSession(null);
      return false;
    }
    setSession({ ...session, accessToken: token }, 900);
    return true;
  });
}

afterEach(() => {
  setSession(null);
  setRenewer(null);
  vi.useRealTimers();
});

describe("the signed-in person's token", () => {
  it("goes with every request", async () => {
    const seen: Request[] = [];
    setSession({ accessToken: "t0ken", username: "ada" });
    await clientAnswering(200, seen).GET("/v1/me" as never);
    expect(seen[0].headers.get("Authorization")).toBe("Bearer t0ken");
  });

  it("is forgotten when the API refuses it and it cannot be renewed", async () => {
    setSession({ accessToken: "expired", username: "ada" });
    await clientAnswering(401).GET("/v1/me" as never);
    expect(currentSession()).toBeNull();
  });

  it("is kept when a request fails for another reason", async () => {
    setSession({ accessToken: "t0ken", username: "ada" });
    await clientAnswering(503).GET("/v1/me" as never);
    expect(currentSession()).not.toBeNull();
  });

  it("is not sent by a signed-out visitor, whose 401 changes nothing", async () => {
    const seen: Request[] = [];
    const renewer = renewingTo("new");
    setRenewer(renewer);
    await clientAnswering(401, seen).POST("/v1/auth/token" as never);
    expect(seen[0].headers.has("Authorization")).toBe(false);
    expect(currentSession()).toBeNull();
    expect(renewer).not.toHaveBeenCalled();
  });
});

describe("a refused token", () => {
  it("gets one renewal, and the request is sent again with the new token", async () => {
    const seen: Request[] = [];
    const renewer = renewingTo("renewed");
    setRenewer(renewer);
    setSession({ accessToken: "revoked-by-time", username: "ada" });
    const { response } = await clientAnswering([401, 200], seen).GET("/v1/me" as never);
    expect(response.status).toBe(200);
    expect(renewer).toHaveBeenCalledTimes(1);
    expect(seen.map((r) => r.headers.get("Authorization"))).toEqual([
      "Bearer revoked-by-time",
      "Bearer renewed",
    ]);
    expect(currentSession()?.accessToken).toBe("renewed");
  });

  it("signs the person out when the renewal is refused too", async () => {
    const seen: Request[] = [];
    setRenewer(renewingTo(null));
    setSession({ accessToken: "revoked", username: "ada" });
    const { response } = await clientAnswering([401, 200], seen).GET("/v1/me" as never);
    expect(response.status).toBe(401);
    expect(seen).toHaveLength(1);
    expect(currentSession()).toBeNull();
  });

  it("is renewed once, not again, when the new token is refused as well", async () => {
    const seen: Request[] = [];
    const renewer = renewingTo("renewed");
    setRenewer(renewer);
    setSession({ accessToken: "old", username: "ada" });
    const { response } = await clientAnswering(401, seen).GET("/v1/me" as never);
    expect(response.status).toBe(401);
    expect(seen).toHaveLength(2);
    expect(renewer).toHaveBeenCalledTimes(1);
  });

  it("does not resend a request whose body is spent, but keeps the renewed session", async () => {
    const seen: Request[] = [];
    setRenewer(renewingTo("renewed"));
    setSession({ accessToken: "old", username: "ada" });
    const client = clientAnswering([401, 200], seen);
    const { response } = await client.POST("/v1/decks" as never, { body: { a: 1 } } as never);
    expect(response.status).toBe(401);
    expect(seen).toHaveLength(1);
    expect(currentSession()?.accessToken).toBe("renewed");
  });
});

describe("a token about to expire", () => {
  it("is renewed before the request carries it", async () => {
    vi.useFakeTimers();
    const seen: Request[] = [];
    const renewer = renewingTo("fresh");
    setRenewer(renewer);
    setSession({ accessToken: "stale", username: "ada" }, 900);
    vi.setSystemTime(Date.now() + 895_000); // the timer was missed: a sleeping laptop
    await clientAnswering(200, seen).GET("/v1/me" as never);
    expect(renewer).toHaveBeenCalledTimes(1);
    expect(seen[0].headers.get("Authorization")).toBe("Bearer fresh");
  });
});
