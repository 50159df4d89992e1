/** Saving the spec a moment after the person stops changing it, one save at a time, each sent
 * with the ETag of the version it replaces: a tab that fell behind (412) stops and says so. */
import type { DeckSpec } from "./spec";

/** Where specs are loaded from and saved to (`GET`/`PUT /v1/decks/{id}/spec`). */
export interface SpecStore {
  load(): Promise<{ spec: DeckSpec; etag: string | null }>;
  save(spec: DeckSpec, etag: string | null): Promise<SaveOutcome>;
}

export type SaveOutcome =
  | { kind: "saved"; etag: string | null }
  /** Another tab (or person) saved first: this tab's version is stale. */
  | { kind: "conflict" }
  | { kind: "failed"; message: string };

export type SaveState =
  | { kind: "saved" }
  | { kind: "pending" }
  | { kind: "saving" }
  | { kind: "conflict" }
  | { kind: "failed"; message: string };

export interface Timer {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const browserTimer: Timer = {
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export const AUTOSAVE_DELAY_MS = 800;

export class Autosaver {
  private state: SaveState = { kind: "saved" };
  private waiting: unknown = null;
  private unsaved: DeckSpec | null = null;
  private inFlight: Promise<void> | null = null;
  /** A spec whose save got no answer: the server may have stored it all the same. */
  private unanswered: DeckSpec | null = null;

  constructor(
    private readonly store: SpecStore,
    private etag: string | null,
    private readonly onState: (state: SaveState) => void,
    private readonly delayMs = AUTOSAVE_DELAY_MS,
    private readonly timer: Timer = browserTimer,
  ) {}

  get current(): SaveState {
    return this.state;
  }

  /** The person changed the spec: save it once they pause (a stale tab saves nothing more). */
  changed(spec: DeckSpec): void {
    if (this.state.kind === "conflict") return;
    this.unsaved = spec;
    this.setState({ kind: "pending" });
    if (this.waiting !== null) this.timer.clear(this.waiting);
    this.waiting = this.timer.set(() => void this.flush(), this.delayMs);
  }

  /** Saves what is unsaved now (and waits for a save under way). */
  async flush(): Promise<void> {
    if (this.waiting !== null) this.timer.clear(this.waiting);
    this.waiting = null;
    while (this.inFlight) await this.inFlight;
    if (this.unsaved === null || this.state.kind === "conflict") return;
    const spec = this.unsaved;
    this.unsaved = null;
    this.inFlight = this.send(spec);
    await this.inFlight;
    this.inFlight = null;
  }

  private async send(spec: DeckSpec): Promise<void> {
    this.setState({ kind: "saving" });
    const outcome = await this.store.save(spec, this.etag).catch(
      (error: unknown): SaveOutcome => ({ kind: "failed", message: String(error) }),
    );
    if (outcome.kind === "saved") {
      this.etag = outcome.etag;
      this.unanswered = null;
      // Changes made while it was sent have their own timer running.
      this.setState(this.unsaved === null ? { kind: "saved" } : { kind: "pending" });
    } else if (outcome.kind === "conflict") {
      const landed = await this.ownSaveLanded();
      if (landed === null) return this.setState({ kind: "conflict" });
      if (JSON.stringify(landed) !== JSON.stringify(spec)) return this.send(spec);
      this.setState(this.unsaved === null ? { kind: "saved" } : { kind: "pending" });
    } else {
      // Kept, so the next change (or a retry) sends it again.
      this.unsaved ??= spec;
      this.unanswered = spec;
      this.setState({ kind: "failed", message: outcome.message });
    }
  }

  /** After a 412: the spec of this tab's own save whose answer was lost, if that is the newer
   * version on the server (then its ETag is taken and saving goes on); null if the newer
   * version is another tab's. */
  private async ownSaveLanded(): Promise<DeckSpec | null> {
    const sent = this.unanswered;
    this.unanswered = null;
    if (sent === null) return null;
    const server = await this.store.load().catch(() => null);
    if (server === null || JSON.stringify(server.spec) !== JSON.stringify(sent)) return null;
    this.etag = server.etag;
    return sent;
  }

  private setState(state: SaveState): void {
    this.state = state;
    this.onState(state);
  }
}
