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
