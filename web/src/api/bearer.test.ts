import createClient from "openapi-fetch";
import { afterEach, describe, expect, it } from "vitest";
import { bearerSession } from "./bearer";
import { currentSession, setSession } from "./session";

function clientAnswering(status: number, seen: Request[] = []) {
  const client = createClient({
    baseUrl: "http://gateway.test",
    fetch: async (request: Request) => {
      seen.push(request);
      return new Response("{}", { status, headers: { "Content-Type": "application/json" } });
    },
  });
  client.use(bearerSession);
  return client;
}

afterEach(() => setSession(null));

describe("the signed-in person's token", () => {
  it("goes with every request", async () => {
    const seen: Request[] = [];
    setSession({ accessToken: "t0ken", username: "ada" });
    await clientAnswering(200, seen).GET("/v1/me" as never);
    expect(seen[0].headers.get("Authorization")).toBe("Bearer t0ken");
  });

  it("is forgotten when the API refuses it, which signs the person out", async () => {
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
    await clientAnswering(401, seen).POST("/v1/auth/token" as never);
    expect(seen[0].headers.has("Authorization")).toBe(false);
    expect(currentSession()).toBeNull();
  });
});
