import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  currentSession,
  isStale,
  renew,
  renewalDelay,
  setRenewer,
  setSession,
} from "./session";

const ADA = { accessToken: "t0ken", username: "ada" };

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  setSession(null);
  setRenewer(null);
  vi.useRealTimers();
});

describe("when the access token is renewed", () => {
  it("is a minute before a 15-minute token expires", () => {
    expect(renewalDelay(900)).toBe(840_000);
  });

  it("is half-way through a token too short for a minute's margin", () => {
    expect(renewalDelay(60)).toBe(30_000);
    expect(renewalDelay(10)).toBe(5_000);
  });

  it("comes by itself, shortly before expiry, and not earlier", async () => {
    const renewer = vi.fn(async () => true);
    setRenewer(renewer);
    setSession(ADA, 900);
    await vi.advanceTimersByTimeAsync(839_999);
    expect(renewer).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(renewer).toHaveBeenCalledTimes(1);
  });

  it("is rescheduled by each new token, so only the latest one's timer fires", async () => {
    const renewer = vi.fn(async () => true);
    setRenewer(renewer);
    setSession(ADA, 900);
    await vi.advanceTimersByTimeAsync(600_000);
    setSession({ ...ADA, accessToken: "next" }, 900);
    await vi.advanceTimersByTimeAsync(300_000); // the first token's renewal time has passed
    expect(renewer).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(540_000);
    expect(renewer).toHaveBeenCalledTimes(1);
  });

  it("never comes after signing out", async () => {
    const renewer = vi.fn(async () => true);
    setRenewer(renewer);
    setSession(ADA, 900);
    setSession(null);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(renewer).not.toHaveBeenCalled();
  });
});

describe("a token about to expire", () => {
  it("is stale within ten seconds of its expiry, fresh before", () => {
    setSession(ADA, 900);
    expect(isStale()).toBe(false);
    expect(isStale(Date.now() + 889_999)).toBe(false);
    expect(isStale(Date.now() + 890_000)).toBe(true);
  });

  it("is never stale when signed out", () => {
    expect(isStale(Date.now() + 10_000_000)).toBe(false);
  });
});

describe("renewing", () => {
  it("asks the API once however many requests want it at the same moment", async () => {
    let finish: (renewed: boolean) => void = () => undefined;
    const renewer = vi.fn(() => new Promise<boolean>((resolve) => (finish = resolve)));
    setRenewer(renewer);
    const first = renew();
    const second = renew();
    finish(true);
    expect(await first).toBe(true);
    expect(await second).toBe(true);
    expect(renewer).toHaveBeenCalledTimes(1);
    const later = renew(); // a later need asks again
    finish(false);
    expect(await later).toBe(false);
    expect(renewer).toHaveBeenCalledTimes(2);
  });

  it("cannot happen without a renewer, and changes nothing", async () => {
    setSession(ADA, 900);
    expect(await renew()).toBe(false);
    expect(currentSession()).toEqual(ADA);
  });
});
