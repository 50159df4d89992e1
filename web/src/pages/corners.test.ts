import { describe, expect, it } from "vitest";
import { translator } from "../i18n";
import {
  afterKey,
  cornerPlace,
  insetQuad,
  isConvexInOrder,
  keyMove,
  percentText,
  pointerToPoint,
  polygonPoints,
  quadBody,
  quadProblem,
  signedArea,
  startingQuad,
  STEP,
  STEP_LARGE,
  withCorner,
  type Quad,
} from "./corners";
import { refusalMessage } from "./failures";

const page: Quad = [
  [0.2, 0.1],
  [0.8, 0.15],
  [0.85, 0.9],
  [0.1, 0.85],
];

describe("the corners' rules, as the API holds them", () => {
  it("takes a page seen at an angle, corners in order", () => {
    expect(quadProblem(page)).toBeNull();
    expect(quadProblem(insetQuad())).toBeNull();
  });

  it("refuses corners named the other way round", () => {
    const anticlockwise: Quad = [page[0], page[3], page[2], page[1]];
    expect(isConvexInOrder(anticlockwise)).toBe(false);
    expect(quadProblem(anticlockwise)).toBe("notConvex");
  });

  it("refuses a crossed quad (two corners swapped)", () => {
    const bowTie: Quad = [page[0], page[1], page[3], page[2]];
    expect(quadProblem(bowTie)).toBe("notConvex");
  });

  it("refuses a dent (one corner pulled inside)", () => {
    const dented = withCorner(page, 2, [0.4, 0.4]);
    expect(quadProblem(dented)).toBe("notConvex");
  });

  it("refuses three corners on a line", () => {
    const flat = withCorner(page, 1, [0.5, 0.5]);
    const straight: Quad = [
      [0.1, 0.1],
      [0.5, 0.1],
      [0.9, 0.1],
      [0.5, 0.9],
    ];
    expect(quadProblem(flat)).toBe("notConvex");
    expect(quadProblem(straight)).toBe("notConvex");
  });

  it("refuses a page under 1 % of the image, takes one just over", () => {
    const square = (side: number): Quad => [
      [0.3, 0.3],
      [0.3 + side, 0.3],
      [0.3 + side, 0.3 + side],
      [0.3, 0.3 + side],
    ];
    expect(signedArea(square(0.09))).toBeCloseTo(0.0081, 6);
    expect(quadProblem(square(0.09))).toBe("tooSmall");
    expect(quadProblem(square(0.11))).toBeNull();
  });

  it("measures the whole image as 1 and a rectangle inset 5 % as 0.81", () => {
    expect(signedArea(insetQuad(0))).toBeCloseTo(1, 9);
    expect(signedArea(insetQuad())).toBeCloseTo(0.81, 9);
  });

  it("refuses a corner outside the image", () => {
    const outside: Quad = [[-0.1, 0.1], page[1], page[2], page[3]];
    expect(quadProblem(outside)).toBe("outside");
    expect(quadProblem([[Number.NaN, 0.1], page[1], page[2], page[3]])).toBe("outside");
  });
});

describe("a handle dragged by the pointer", () => {
  const box = { left: 100, top: 50, width: 400, height: 300 };

  it("lands where the pointer is, as fractions of the image shown", () => {
    expect(pointerToPoint(300, 200, box)).toEqual([0.5, 0.5]);
    expect(pointerToPoint(100, 50, box)).toEqual([0, 0]);
  });

  it("stops at the image's edges when dragged past them", () => {
    expect(pointerToPoint(20, 500, box)).toEqual([0, 1]);
    expect(pointerToPoint(900, -40, box)).toEqual([1, 0]);
  });

  it("moves only its own corner", () => {
    const moved = withCorner(page, 1, [0.7, 0.2]);
    expect(moved).toEqual([page[0], [0.7, 0.2], page[2], page[3]]);
    expect(page[1]).toEqual([0.8, 0.15]); // the quad given is left as it was
  });

  it("is held inside the image whatever it is given", () => {
    expect(withCorner(page, 0, [-3, 1.5])[0]).toEqual([0, 1]);
  });
});

describe("a handle moved by the keyboard", () => {
  it("moves its corner a step per arrow, a larger one with Shift", () => {
    const right = afterKey(page, 0, { key: "ArrowRight", shiftKey: false })!;
    expect(right[0][0]).toBeCloseTo(0.2 + STEP, 9);
    expect(right[0][1]).toBe(0.1);
    const up = afterKey(page, 2, { key: "ArrowUp", shiftKey: true })!;
    expect(up[2]).toEqual([0.85, Number((0.9 - STEP_LARGE).toFixed(4))]);
    expect(up[0]).toEqual(page[0]);
  });

  it("stops at the edge", () => {
    const corner = withCorner(page, 3, [0.002, 0.85]);
    const left = afterKey(corner, 3, { key: "ArrowLeft", shiftKey: true })!;
    expect(left[3]).toEqual([0, 0.85]);
  });

  it("leaves other keys to the browser", () => {
    expect(afterKey(page, 0, { key: "Tab", shiftKey: false })).toBeNull();
    expect(afterKey(page, 0, { key: "Enter", shiftKey: false })).toBeNull();
  });
});

describe("what a screen reader is told of a handle", () => {
  const en = translator("en");
  const arrow = (key: string, shiftKey = false) => ({ key, shiftKey });

  it("says where an arrow key put the corner, and moves it as afterKey does", () => {
    const corners: Quad = [
      [0.115, 0.08],
      [0.9, 0.1],
      [0.9, 0.9],
      [0.1, 0.9],
    ];
    const moved = keyMove(corners, 0, arrow("ArrowRight"), en)!;
    expect(moved.quad).toEqual(afterKey(corners, 0, arrow("ArrowRight")));
    expect(moved.said).toBe("Top-left corner: 12 % from the left, 8 % from the top");
    const down = keyMove(moved.quad, 0, arrow("ArrowDown", true), en)!;
    expect(down.said).toBe("Top-left corner: 12 % from the left, 13 % from the top");
  });

  it("names the corner that moved, in the person's language", () => {
    const moved = keyMove(page, 2, arrow("ArrowUp"), translator("ko"))!;
    expect(moved.said).toBe("오른쪽 아래 모서리: 왼쪽에서 85 %, 위에서 89.5 %");
    expect(keyMove(page, 3, arrow("ArrowLeft"), en)!.said).toBe(
      "Bottom-left corner: 9.5 % from the left, 85 % from the top",
    );
  });

  it("says nothing of a key that does not move the corner", () => {
    expect(keyMove(page, 0, arrow("Tab"), en)).toBeNull();
  });

  it("describes each handle where it is, to a tenth of a percent", () => {
    expect(cornerPlace(page, 1, en)).toBe(
      "Top-right corner: 80 % from the left, 15 % from the top",
    );
    expect(percentText(0.1234)).toBe("12.3 %");
    expect(percentText(0)).toBe("0 %");
    expect(percentText(1)).toBe("100 %");
  });
});

describe("the corners to start from", () => {
  it("are the page's own when it has some, as {x, y} (or pairs)", () => {
    expect(startingQuad(page.map(([x, y]) => ({ x, y })))).toEqual(page);
    expect(startingQuad(page)).toEqual(page);
  });

  it("are a rectangle 5 % inside the edges when none were found", () => {
    expect(startingQuad(null)).toEqual([
      [0.05, 0.05],
      [0.95, 0.05],
      [0.95, 0.95],
      [0.05, 0.95],
    ]);
    expect(startingQuad(undefined)).toEqual(insetQuad());
    expect(startingQuad([[0, 0]])).toEqual(insetQuad());
  });
});

describe("what is sent and drawn", () => {
  it("sends the four corners in order as {x, y}", () => {
    expect(quadBody(page)).toEqual({
      corners: [
        { x: 0.2, y: 0.1 },
        { x: 0.8, y: 0.15 },
        { x: 0.85, y: 0.9 },
        { x: 0.1, y: 0.85 },
      ],
    });
  });

  it("draws the polygon in the image's pixels", () => {
    expect(polygonPoints(insetQuad(0.1), 200, 100)).toBe("20,10 180,10 180,90 20,90");
  });
});

describe("why corners sent were refused", () => {
  const en = translator("en");
  const problem = (status: number, fields: Record<string, unknown>) => ({
    type: "about:blank",
    title: "Refused",
    status,
    ...fields,
  });

  it("says the upload is still being read, by its code", () => {
    const busy = problem(409, { code: "upload-processing", detail: "still being read" });
    expect(refusalMessage(busy, 409, en)).toBe(
      "The images are still being read. Try again once they are done.",
    );
  });

  it("says how often a photo may be read again, by its limit", () => {
    const limit = { limit: "page_fixes_per_image", allowed: 5 };
    const often = problem(429, { code: "page-fix-quota", ...limit });
    expect(refusalMessage(often, 429, en)).toBe(
      "This photo's corners were set 5 times, as often as one photo's may be.",
    );
    expect(refusalMessage(often, 429, translator("ko"))).toContain("5번");
  });

  it("gives the API's words for corners it finds wrong", () => {
    const wrong = problem(422, {
      code: "invalid-input",
      errors: [{ pointer: "/corners", detail: "the corners enclose under 1% of the image" }],
    });
    expect(refusalMessage(wrong, 422, en)).toBe("the corners enclose under 1% of the image");
  });
});
