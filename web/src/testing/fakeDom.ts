/** The least of a DOM Preact renders into, for the tests that follow focus and live regions
 * through a component (vitest runs in Node, without a browser's DOM): elements with attributes,
 * children, a style, listeners and `focus()`; text nodes; a document that creates them and
 * knows the focused element. Events are dispatched by hand (`fire`), without bubbling. */

type Listener = (this: FakeElement, event: FakeEvent) => unknown;

export interface FakeEvent {
  type: string;
  target: FakeElement;
  currentTarget: FakeElement;
  defaultPrevented: boolean;
  preventDefault(): void;
  [field: string]: unknown;
}

class FakeNode {
  parentNode: FakeElement | null = null;
  childNodes: FakeNode[] = [];
  constructor(readonly nodeType: number) {}

  get firstChild(): FakeNode | null {
    return this.childNodes[0] ?? null;
  }

  get nextSibling(): FakeNode | null {
    const siblings = this.parentNode?.childNodes ?? [];
    return siblings[siblings.indexOf(this) + 1] ?? null;
  }

  get textContent(): string {
    return this.childNodes.map((child) => child.textContent).join("");
  }

  insertBefore(node: FakeNode, before: FakeNode | null): FakeNode {
    node.remove();
    const at = before ? this.childNodes.indexOf(before) : -1;
    if (at < 0) this.childNodes.push(node);
    else this.childNodes.splice(at, 0, node);
    node.parentNode = this as unknown as FakeElement;
    return node;
  }

  appendChild(node: FakeNode): FakeNode {
    return this.insertBefore(node, null);
  }

  removeChild(node: FakeNode): FakeNode {
    node.remove();
    return node;
  }

  remove(): void {
    const parent = this.parentNode;
    if (!parent) return;
    parent.childNodes.splice(parent.childNodes.indexOf(this), 1);
    this.parentNode = null;
    if (fakeDocument.activeElement && !fakeDocument.body.contains(fakeDocument.activeElement))
      fakeDocument.activeElement = fakeDocument.body; // as a browser drops the focus to <body>
  }
}

class FakeText extends FakeNode {
  constructor(public data: string) {
    super(3);
  }

  override get textContent(): string {
    return this.data;
  }
}

export class FakeElement extends FakeNode {
  readonly attributes = new Map<string, string>();
  readonly listeners = new Map<string, Listener>();
  readonly style: Record<string, unknown> = { setProperty() {} };
  // Preact names an event in lower case when the element has its `on…` property.
  onclick = null;
  onkeydown = null;
  onpointerdown = null;
  onpointermove = null;
  onpointerup = null;
  onpointercancel = null;
  onchange = null;
  oninput = null;
  onblur = null;

  constructor(
    readonly localName: string,
    readonly namespaceURI: string | null,
  ) {
    super(1);
  }

  setAttribute(name: string, value: unknown): void {
    this.attributes.set(name, String(value));
  }

  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }

  removeAttribute(name: string): void {
    this.attributes.delete(name);
  }

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, listener);
  }

  removeEventListener(type: string): void {
    this.listeners.delete(type);
  }

  setPointerCapture(): void {}

  focus(): void {
    fakeDocument.activeElement = this;
  }

  contains(node: FakeNode | null): boolean {
    for (let at = node; at; at = at.parentNode) if (at === this) return true;
    return false;
  }

  /** Every element under this one (itself included) that `test` accepts, in document order. */
  findAll(test: (element: FakeElement) => boolean): FakeElement[] {
    const found = test(this) ? [this as FakeElement] : [];
    for (const child of this.childNodes)
      if (child instanceof FakeElement) found.push(...child.findAll(test));
    return found;
  }
}

export const fakeDocument = {
  body: new FakeElement("body", "http://www.w3.org/1999/xhtml"),
  activeElement: null as FakeElement | null,
  createElementNS: (namespace: string | null, name: string) => new FakeElement(name, namespace),
  createElement: (name: string) => new FakeElement(name, "http://www.w3.org/1999/xhtml"),
  createTextNode: (data: string) => new FakeText(String(data)),
};

/** Makes the fake the page's `document` (and `requestAnimationFrame` a timer), with a new,
 * empty body (Preact keeps what it rendered on the element it rendered into). */
export function installFakeDom(): typeof fakeDocument {
  fakeDocument.body = new FakeElement("body", "http://www.w3.org/1999/xhtml");
  fakeDocument.activeElement = fakeDocument.body;
  Object.assign(globalThis, {
    document: fakeDocument,
    requestAnimationFrame: (callback: () => void) => setTimeout(callback, 0),
  });
  return fakeDocument;
}

/** Dispatches an event of `type` to the element's listener, as the browser would to Preact. */
export function fire(element: FakeElement, type: string, fields: Record<string, unknown> = {}) {
  const event: FakeEvent = {
    type,
    target: element,
    currentTarget: element,
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
    ...fields,
  };
  element.listeners.get(type)?.call(element, event);
  return event;
}

/** Lets pending promises, Preact's re-renders, effects and animation frames run. */
export async function settle(ms = 60): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}
