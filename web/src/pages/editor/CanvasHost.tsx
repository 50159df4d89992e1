/** Where the Konva canvas lives: loaded with the editor only (a dynamic import keeps Konva out of
 * the first page), sized to its column, and told what to show after each change. */
import { useEffect, useRef, useState } from "preact/hooks";
import type { CanvasEvents, SlideCanvas, SlideView } from "../../editor/canvas";

/** The widest the slide is drawn, in CSS pixels (960 px: 1 pt is 1 px). */
const MAX_WIDTH = 960;

export function CanvasHost(props: {
  view: SlideView;
  events: CanvasEvents;
  label: string;
  onReady(canvas: SlideCanvas): void;
  onKeyDown(event: KeyboardEvent): void;
}) {
  const host = useRef<HTMLDivElement>(null);
  // The canvas calls back into the latest props, not those of its first render.
  const events = useRef(props.events);
  events.current = props.events;
  const canvas = useSlideCanvas(host, events, props.onReady);
  useEffect(() => canvas?.show(props.view), [canvas, props.view]);
  return (
    <div
      ref={host}
      class="slide-canvas"
      tabIndex={0}
      role="group"
      aria-label={props.label}
      onKeyDown={props.onKeyDown}
    />
  );
}

/** Loads Konva, makes the canvas in `host` at the column's width (up to 960 px) and follows the
 * column's width; gone with the component. */
function useSlideCanvas(
  host: { current: HTMLDivElement | null },
  events: { current: CanvasEvents },
  onReady: (canvas: SlideCanvas) => void,
): SlideCanvas | null {
  const [canvas, setCanvas] = useState<SlideCanvas | null>(null);
  useEffect(() => {
    let made: SlideCanvas | null = null;
    let observer: ResizeObserver | null = null;
    void import("../../editor/canvas").then(({ SlideCanvas }) => {
      const element = host.current;
      if (!element) return;
      const width = () => Math.min(element.clientWidth || MAX_WIDTH, MAX_WIDTH);
      made = new SlideCanvas(element, { width: width() }, relay(events));
      observer = new ResizeObserver(() => made?.resize({ width: width() }));
      observer.observe(element);
      setCanvas(made);
      onReady(made);
    });
    return () => {
      observer?.disconnect();
      made?.destroy();
    };
  }, []);
  return canvas;
}

function relay(events: { current: CanvasEvents }): CanvasEvents {
  return {
    select: (index) => events.current.select(index),
    moved: (index, box) => events.current.moved(index, box),
    resized: (index, box) => events.current.resized(index, box),
    textEdited: (index, text) => events.current.textEdited(index, text),
  };
}
