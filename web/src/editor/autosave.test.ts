import { describe, expect, it } from "vitest";
import {
  Autosaver,
  type SaveOutcome,
  type SaveState,
  type SpecStore,
  type Timer,
} from "./autosave";
import { deck } from "./fixtures";
import type { DeckSpec } from "./spec";

/** A timer the test fires by hand. */
function manualTimer() {
  let pending: (() => void) | null = null;
  const timer: Timer = {
    set: (run) => (pending = run),
    clear: () => (pending = null),
  };
  return { timer, fire: () => pending?.(), get waiting() { return pending !== null; } };
}

/** The PUT's contract (202 with a new ETag, 412 when the If-Match is stale), in memory. */
type FakeStore = SpecStore & {
  saved: { spec: DeckSpec; ifMatch: string | null }[];
  etag: string;
  answer?: SaveOutcome;
};

function fakeStore(): FakeStore {
  const store = {
    saved: [] as { spec: DeckSpec; ifMatch: string | null }[],
    etag: '"r1"',
    answer: undefined as SaveOutcome | undefined,
    async load() {
      return { spec: deck(), etag: store.etag };
    },
    async save(spec: DeckSpec, ifMatch: string | null): Promise<SaveOutcome> {
      if (store.answer) return store.answer;
      if (ifMatch !== store.etag) return { kind: "conflict" };
      store.saved.push({ spec, ifMatch });
      store.etag = `"r${store.saved.length + 1}"`;
      return { kind: "saved", etag: store.etag };
    },
  };
  return store;
}

function setUp() {
  const store = fakeStore();
  const clock = manualTimer();
  const states: SaveState["kind"][] = [];
  const saver = new Autosaver(store, '"r1"', (state) => states.push(state.kind), 800, clock.timer);
  return { store, clock, states, saver };
}

const titled = (title: string): DeckSpec => ({ ...deck(), title });

describe("autosave", () => {
  it("saves once the person pauses, only the latest spec", async () => {
    const { store, clock, saver } = setUp();
    saver.changed(titled("one"));
    saver.changed(titled("two"));
    expect(store.saved).toEqual([]);
    clock.fire();
    await saver.flush();
    expect(store.saved.map((s) => s.spec.title)).toEqual(["two"]);
    expect(saver.current.kind).toBe("saved");
  });

  it("sends each save with the ETag the previous one answered", async () => {
    const { store, saver } = setUp();
    saver.changed(titled("one"));
    await saver.flush();
    saver.changed(titled("two"));
    await saver.flush();
    expect(store.saved.map((s) => s.ifMatch)).toEqual(['"r1"', '"r2"']);
  });

  it("says pending, saving, then saved", async () => {
    const { states, saver } = setUp();
    saver.changed(titled("one"));
    await saver.flush();
    expect(states).toEqual(["pending", "saving", "saved"]);
  });

  it("stops saving once another tab saved first (412) and says so", async () => {
    const { store, clock, saver } = setUp();
    store.etag = '"r9"'; // another tab's save
    saver.changed(titled("mine"));
    await saver.flush();
    expect(saver.current.kind).toBe("conflict");
    saver.changed(titled("mine again"));
    expect(clock.waiting).toBe(false);
    await saver.flush();
    expect(store.saved).toEqual([]);
  });

  it("keeps a failed save's spec and sends it again on retry", async () => {
    const { store, saver } = setUp();
    store.answer = { kind: "failed", message: "the server could not be reached" };
    saver.changed(titled("kept"));
    await saver.flush();
    expect(saver.current).toEqual({ kind: "failed", message: "the server could not be reached" });
    store.answer = undefined;
    await saver.flush();
    expect(store.saved.map((s) => s.spec.title)).toEqual(["kept"]);
    expect(saver.current.kind).toBe("saved");
  });

  it("saves a change made while a save was under way after it, with the new ETag", async () => {
    const { store, saver } = setUp();
    saver.changed(titled("first"));
    const first = saver.flush();
    saver.changed(titled("second"));
    await first;
    expect(saver.current.kind).toBe("pending");
    await saver.flush();
    expect(store.saved.map((s) => [s.spec.title, s.ifMatch])).toEqual([
      ["first", '"r1"'],
      ["second", '"r2"'],
    ]);
  });

  it("goes on after a save that was stored but whose answer was lost, instead of calling it another tab's", async () => {
    const { store, clock, saver, states } = setUp();
    let stored: DeckSpec | null = null;
    const answer = store.save.bind(store);
    let lose = true;
    store.save = async (spec, ifMatch) => {
      const outcome = await answer(spec, ifMatch);
      if (lose) {
        lose = false;
        stored = spec;
        throw new Error("Failed to fetch");
      }
      return outcome;
    };
    store.load = async () => ({ spec: stored ?? deck(), etag: store.etag });

    saver.changed(titled("one"));
    clock.fire(); // stored, but the answer is lost
    await saver.flush(); // sent again: 412, and the newer version is the one it sent
    expect(saver.current.kind).toBe("saved");
    saver.changed(titled("two"));
    clock.fire();
    await saver.flush();

    expect(saver.current.kind).toBe("saved");
    expect(store.saved.map((s) => s.spec.title)).toEqual(["one", "two"]);
    expect(store.saved[1].ifMatch).toBe('"r2"');
    expect(states).not.toContain("conflict");
  });

  it("still stops on a 412 when the newer version is another tab's", async () => {
    const { store, clock, saver } = setUp();
    let lose = true;
    const answer = store.save.bind(store);
    store.save = async (spec, ifMatch) => {
      if (lose) {
        lose = false;
        throw new Error("Failed to fetch");
      }
      return answer(spec, ifMatch);
    };
    store.etag = '"r9"'; // another tab saved meanwhile
    store.load = async () => ({ spec: titled("the other tab's"), etag: store.etag });

    saver.changed(titled("one"));
    clock.fire();
    await saver.flush();
    saver.changed(titled("two"));
    clock.fire();
    await saver.flush();

    expect(saver.current.kind).toBe("conflict");
  });
});
