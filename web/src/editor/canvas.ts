/** The slide on a Konva canvas: one layer of elements, dragged and resized by Konva itself (no
 * app code runs per pointer move); the app hears of a change once, when the gesture ends. */
import Konva from "konva/lib/Core";
import { Rect } from "konva/lib/shapes/Rect";
import { Transformer } from "konva/lib/shapes/Transformer";
import {
  boxToPixels,
  canvasHeight,
  pixelsToBox,
  textArea,
  type Box,
  type Canvas,
} from "./geometry";
import { pictureKey } from "./images";
import { elementNode, textLook } from "./nodes";
import { boxOf, elementsOf, isText, type Slide } from "./spec";
import { loadSlideFonts } from "./fonts";
import { editTextInPlace } from "./textEditing";
import type { Theme } from "./theme";

export interface CanvasEvents {
  select(index: number | null): void;
  moved(index: number, box: Box): void;
  resized(index: number, box: Box): void;
  textEdited(index: number, text: string): void;
}

export interface SlideView {
  slide: Slide;
  theme: Theme;
  /** The loaded pictures, by `pictureKey` (image and variant). */
  images: ReadonlyMap<string, HTMLImageElement>;
  selected: number | null;
  /** The in-place editor's accessible name. */
  textLabel: string;
}

export class SlideCanvas {
  private readonly stage: Konva.Stage;
  private readonly layer = new Konva.Layer();
  private readonly transformer = new Transformer({
    rotateEnabled: false,
    ignoreStroke: true,
    flipEnabled: false,
  });
  private view: SlideView | null = null;
  private nodes: Konva.Group[] = [];
  private editing: number | null = null;

  constructor(
    private readonly host: HTMLElement,
    private canvas: Canvas,
    private readonly events: CanvasEvents,
  ) {
    const container = document.createElement("div");
    host.appendChild(container);
    this.stage = new Konva.Stage({ container, width: canvas.width, height: canvasHeight(canvas) });
    this.stage.add(this.layer);
    this.transformer.boundBoxFunc((old, next) => (this.insideSlide(next) ? next : old));
  }

  /** Draws the slide: rebuilt when the slide itself changed (a command ran), not while dragging;
   * a new selection only moves the resize handles, so a press that selects can also drag. */
  show(view: SlideView): void {
    const previous = this.view;
    this.view = view;
    const same =
      previous?.slide === view.slide &&
      previous.theme === view.theme &&
      previous.images === view.images;
    if (!same) {
      this.rebuild(view);
      void loadSlideFonts(view.slide, view.theme).then((loaded) => loaded && this.redraw());
    }
    this.showSelection(view);
    this.layer.batchDraw();
  }

  private rebuild(view: SlideView): void {
    this.transformer.remove();
    this.layer.destroyChildren();
    this.layer.add(this.backdrop(view.theme));
    this.nodes = elementsOf(view.slide).map((element, index) => {
      const image = element.type === "image" ? view.images.get(pictureKey(element)) : undefined;
      const node = elementNode(element, view.theme, this.canvas, image);
      this.listen(node, index);
      if (index === this.editing) node.findOne(".text")?.hide();
      this.layer.add(node);
      return node;
    });
    this.layer.add(this.transformer);
  }

  private showSelection(view: SlideView): void {
    const index = view.selected;
    const node = index === null ? undefined : this.nodes[index];
    this.transformer.nodes(node ? [node] : []);
    // Pictures keep their proportions when resized; text boxes take any shape.
    const element = index === null ? undefined : elementsOf(view.slide)[index];
    this.transformer.keepRatio(element !== undefined && !isText(element));
  }

  resize(canvas: Canvas): void {
    this.canvas = canvas;
    this.stage.size({ width: canvas.width, height: canvasHeight(canvas) });
    this.redraw();
  }

  /** Opens the in-place editor on a text element. */
  editText(index: number): void {
    const element = this.view && elementsOf(this.view.slide)[index];
    if (!this.view || !element || !isText(element) || this.editing !== null) return;
    this.editing = index;
    this.redraw();
    editTextInPlace(this.host, {
      area: textArea(boxOf(element), this.canvas),
      look: textLook(element, this.view.theme, this.canvas),
      background: this.view.theme.background,
      text: element.text,
      label: this.view.textLabel,
      done: (text) => {
        this.editing = null;
        if (text !== null && text !== element.text) this.events.textEdited(index, text);
        else this.redraw();
      },
    });
  }

  private redraw(): void {
    if (!this.view) return;
    this.rebuild(this.view);
    this.showSelection(this.view);
    this.layer.batchDraw();
  }

  destroy(): void {
    this.stage.destroy();
    this.host.replaceChildren();
  }

  private backdrop(theme: Theme): Konva.Group {
    const group = new Konva.Group();
    const background = new Rect({ ...this.stage.size(), fill: theme.background });
    background.on("pointerdown", () => this.events.select(null));
    group.add(background);
    if (theme.accent) {
      const box = boxToPixels(theme.accent.box, this.canvas);
      group.add(new Rect({ ...rect(box), fill: theme.accent.color, listening: false }));
    }
    return group;
  }

  private listen(node: Konva.Group, index: number): void {
    node.on("pointerdown", () => this.events.select(index));
    node.on("dblclick dbltap", () => this.editText(index));
    node.dragBoundFunc((position) => this.keptInside(node, position));
    node.on("dragend", () => this.events.moved(index, this.boxOfNode(node)));
    node.on("transformend", () => {
      const box = this.boxOfNode(node);
      node.scale({ x: 1, y: 1 });
      this.events.resized(index, box);
    });
  }

  private boxOfNode(node: Konva.Group): Box {
    const frame = node.findOne(".frame")!;
    const w = frame.width() * node.scaleX();
    const h = frame.height() * node.scaleY();
    return pixelsToBox({ x: node.x(), y: node.y(), w, h }, this.canvas);
  }

  /** A dragged box stops at the slide's edges (the spec keeps every element inside it). */
  private keptInside(node: Konva.Group, position: { x: number; y: number }) {
    const frame = node.findOne(".frame")!;
    const maxX = this.stage.width() - frame.width() * node.scaleX();
    const maxY = this.stage.height() - frame.height() * node.scaleY();
    const x = Math.min(Math.max(position.x, 0), maxX);
    return { x, y: Math.min(Math.max(position.y, 0), maxY) };
  }

  private insideSlide(box: { x: number; y: number; width: number; height: number }): boolean {
    const slack = 0.5;
    return (
      box.width >= 4 &&
      box.height >= 4 &&
      box.x >= -slack &&
      box.y >= -slack &&
      box.x + box.width <= this.stage.width() + slack &&
      box.y + box.height <= this.stage.height() + slack
    );
  }
}

function rect(box: Box) {
  return { x: box.x, y: box.y, width: box.w, height: box.h };
}
