import { afterEach, describe, expect, it, vi } from "vitest";

// The typed client keeps the fetch and Request it finds when it is made, so the stubs go in
// first: each request is recorded, and answered with the next answer queued by the test.
const gateway = vi.hoisted(() => {
  const seen: { method: string; path: string; headers: Headers; body: string }[] = [];
  const answers: (() => Response)[] = [];
  const NodeRequest = globalThis.Request;
  globalThis.Request = class extends NodeRequest {
    constructor(input: RequestInfo | URL, init?: RequestInit) {
      super(typeof input === "string" ? new URL(input, "http://app.test") : input, init);
    }
  };
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const request = input as Request;
    seen.push({
      method: request.method,
      path: new URL(request.url).pathname,
      headers: request.headers,
      body: await request.text(),
    });
    return answers.shift()!();
  };
  return { seen, answers };
});

import {
  askExport,
  changePassword,
  deleteAccount,
  exportFilename,
  passwordLength,
  readWithProgress,
  signOutEverywhere,
} from "./account";
import { continueWith, signedOutByServer } from "./auth";
import { currentSession, setSession } from "./session";

const json = (status: number, body: unknown, type = "application/json") => () =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });
const empty = (status: number) => () => new Response(null, { status });

afterEach(() => {
  gateway.seen.length = 0;
  gateway.answers.length = 0;
  setSession(null);
});

describe("the account's requests", () => {
  it("change the password in the browser flow, with the token and the CSRF header", async () => {
    setSession({ accessToken: "old", username: "ada" });
    gateway.answers.push(json(200, { access_token: "new", token_type: "Bearer", expires_in: 900 }));
    const { data } = await changePassword("correct horse", "battery staple");
    const [sent] = gateway.seen;
    expect([sent.method, sent.path]).toEqual(["POST", "/v1/me/password"]);
    expect(JSON.parse(sent.body)).toEqual({
      current_password: "correct horse",
      new_password: "battery staple",
      session: "cookie",
    });
    expect(sent.headers.get("Authorization")).toBe("Bearer old");
    expect(sent.headers.get("X-Jaryo-CSRF")).toBe("1");
    expect(data?.access_token).toBe("new");
  });

  it("hand a wrong current password back as the API's problem", async () => {
    setSession({ accessToken: "t0ken", username: "ada" });
    const problem = { title: "Forbidden", status: 403, code: "wrong-password" };
    gateway.answers.push(json(403, problem, "application/problem+json"));
    const { error, response } = await changePassword("wrong", "battery staple");
    expect(response.status).toBe(403);
    expect(error).toMatchObject({ code: "wrong-password" });
    expect(currentSession()?.accessToken).toBe("t0ken"); // a 403 is not a reason to sign out
  });

  it("sign out everywhere and delete the account with the CSRF header", async () => {
    setSession({ accessToken: "t0ken", username: "ada" });
    gateway.answers.push(empty(204), empty(204));
    await signOutEverywhere();
    await deleteAccount("correct horse");
    const [signOut, deletion] = gateway.seen;
    expect([signOut.method, signOut.path]).toEqual(["POST", "/v1/me/signout-all"]);
    expect([deletion.method, deletion.path]).toEqual(["DELETE", "/v1/me"]);
    expect(JSON.parse(deletion.body)).toEqual({ password: "correct horse" });
    for (const sent of gateway.seen) {
      expect(sent.headers.get("X-Jaryo-CSRF")).toBe("1");
      expect(sent.headers.get("Authorization")).toBe("Bearer t0ken");
    }
  });

  it("ask for the export with the token and leave its body to be read", async () => {
    setSession({ accessToken: "t0ken", username: "ada" });
    gateway.answers.push(
      () =>
        new Response(new Uint8Array([80, 75, 3, 4]), {
          headers: { "Content-Type": "application/zip" },
        }),
    );
    const { data } = await askExport();
    expect(gateway.seen[0].path).toBe("/v1/me/export");
    expect(gateway.seen[0].headers.get("Authorization")).toBe("Bearer t0ken");
    const zip = await readWithProgress(data!, "application/zip", () => {});
    expect(new Uint8Array(await zip.arrayBuffer())).toEqual(new Uint8Array([80, 75, 3, 4]));
  });
});

describe("the session around the account's requests", () => {
  it("goes on with the token a password change hands over, renewed in time", () => {
    vi.useFakeTimers();
    setSession({ accessToken: "old", username: "ada" }, 900);
    continueWith("new", 900);
    expect(currentSession()).toEqual({ accessToken: "new", username: "ada" });
    vi.useRealTimers();
  });

  it("is forgotten, with the note that this browser signed in, when the API ended it", () => {
    const storage = new Map<string, string>([["jaryo.signedIn", "1"]]);
    vi.stubGlobal("localStorage", {
      getItem: (key: string) => storage.get(key) ?? null,
      setItem: (key: string, value: string) => storage.set(key, value),
      removeItem: (key: string) => storage.delete(key),
    });
    setSession({ accessToken: "t0ken", username: "ada" });
    signedOutByServer();
    expect(currentSession()).toBeNull();
    expect(storage.has("jaryo.signedIn")).toBe(false);
    vi.unstubAllGlobals();
  });
});

describe("the export's file", () => {
  it("is named as the API says, else jaryo-export with today's date", () => {
    const header = 'attachment; filename="jaryo-export-2026-12-02.zip"';
    expect(exportFilename(header)).toBe("jaryo-export-2026-12-02.zip");
    const now = new Date("2026-12-02T23:30:00Z");
    expect(exportFilename(null, now)).toBe("jaryo-export-2026-12-02.zip");
    expect(exportFilename("attachment", now)).toBe("jaryo-export-2026-12-02.zip");
  });

  it("is read to its end, the bytes received told after each chunk", async () => {
    const chunks = [new Uint8Array(1000), new Uint8Array(24), new Uint8Array(3000)];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    });
    const told: number[] = [];
    const blob = await readWithProgress(body, "application/zip", (bytes) => told.push(bytes));
    expect(told).toEqual([1000, 1024, 4024]);
    expect(blob.size).toBe(4024);
    expect(blob.type).toBe("application/zip");
  });
});

describe("a password's length", () => {
  it("counts characters as the API does, not UTF-16 units", () => {
    expect(passwordLength("비밀번호")).toBe(4);
    expect(passwordLength("🔑🔑🔑🔑")).toBe(4); // 8 UTF-16 units, 4 characters
  });
});
