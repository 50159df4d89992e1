/** Undo and redo over the deck spec: each command's result is kept, so undoing is going back to
 * the spec before it (specs are never mutated, so the versions share what they did not change). */
import type { Command, CommandLabel } from "./commands";
import type { DeckSpec } from "./spec";

/** Commands with the same merge key this close together undo as one (a word typed, a nudge). */
const MERGE_WINDOW_MS = 1_000;
/** How many steps back a person can go. */
const DEPTH = 200;

interface Step {
  spec: DeckSpec;
  label: CommandLabel;
  mergeKey?: string;
  at: number;
}

export class History {
  private past: Step[] = [];
  private future: Step[] = [];
  private last: Step | null = null;

  constructor(
    private current: DeckSpec,
    private readonly now: () => number = Date.now,
  ) {}

  get spec(): DeckSpec {
    return this.current;
  }

  /** Applies the command; a command that changes nothing leaves no step to undo. */
  run(command: Command): DeckSpec {
    const next = command.apply(this.current);
    if (next === this.current) return next;
    const at = this.now();
    const merges =
      command.mergeKey !== undefined &&
      this.last?.mergeKey === command.mergeKey &&
      at - this.last.at < MERGE_WINDOW_MS;
    if (!merges) {
      this.past.push({ spec: this.current, label: command.label, mergeKey: command.mergeKey, at });
      if (this.past.length > DEPTH) this.past.shift();
    }
    this.last = { spec: next, label: command.label, mergeKey: command.mergeKey, at };
    this.future = [];
    this.current = next;
    return next;
  }

  undo(): DeckSpec {
    const step = this.past.pop();
    if (step) {
      this.future.push({ ...step, spec: this.current });
      this.current = step.spec;
    }
    this.last = null;
    return this.current;
  }

  redo(): DeckSpec {
    const step = this.future.pop();
    if (step) {
      this.past.push({ ...step, spec: this.current });
      this.current = step.spec;
    }
    this.last = null;
    return this.current;
  }

  /** The label of what undo would take back, or null when there is nothing. */
  get undoLabel(): CommandLabel | null {
    return this.past.at(-1)?.label ?? null;
  }

  get redoLabel(): CommandLabel | null {
    return this.future.at(-1)?.label ?? null;
  }
}
