/** Client-side routes: the path in the address bar picks the page; links push history entries
 * instead of reloading (the gateway answers every such path with index.html). */
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";

export function navigate(path: string): void {
  if (path === location.pathname) return;
  history.pushState(null, "", path);
  dispatchEvent(new PopStateEvent("popstate"));
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    addEventListener("popstate", update);
    // A child may have navigated before this listener existed (children's effects run first).
    update();
    return () => removeEventListener("popstate", update);
  }, []);
  return path;
}

/** The named parts of `path` if it has the shape of `pattern` ("/decks/:id"), else null: the
 * same number of segments, the fixed ones equal. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/");
  const have = path.replace(/\/+$/, "").split("/");
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    if (part.startsWith(":")) {
      const value = decoded(have[index]);
      if (value === null) return null; // a malformed %-escape: no page of ours, not a crash
      params[part.slice(1)] = value;
    } else if (part !== have[index]) return null;
  }
  return params;
}

function decoded(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** An ordinary link (keyboard, middle-click and "open in new tab" keep working) that navigates
 * in place on a plain click. */
export function Link(props: { href: string; children: ComponentChildren }) {
  const onClick = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(props.href);
  };
  return (
    <a href={props.href} onClick={onClick}>
      {props.children}
    </a>
  );
}
