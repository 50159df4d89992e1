/** A list read page by page with the API's cursor: the first page on mount, "more" appends
 * the next, and removing an item drops it without a reload. */
import { useEffect, useState } from "preact/hooks";

export type PageAnswer<T> = { data?: { items: T[]; next_cursor?: string | null } };

export function usePaged<T>(fetchPage: (cursor: string | null) => Promise<PageAnswer<T>>) {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<"loading" | "ready" | "failed">("loading");

  const load = async (from: string | null) => {
    setState("loading");
    try {
      const { data } = await fetchPage(from);
      if (!data) throw new Error("no page");
      setItems((before) => (from === null ? data.items : [...before, ...data.items]));
      setCursor(data.next_cursor ?? null);
      setState("ready");
    } catch {
      setState("failed");
    }
  };
  useEffect(() => void load(null), []);

  return {
    items,
    state,
    hasMore: cursor !== null,
    more: () => load(cursor),
    remove: (item: T) => setItems((before) => before.filter((other) => other !== item)),
  };
}
