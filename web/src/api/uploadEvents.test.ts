import { describe, expect, it } from "vitest";
import { splitEvents } from "./uploadEvents";

describe("the upload's event stream", () => {
  it("yields each complete event, ignoring retry and keep-alive lines", () => {
    const stream =
      "retry: 3000\n\n: keep-alive\n\n" +
      'event: progress\ndata: {"a":1}\n\nevent: completed\ndata: {"a":2}\n\n';
    expect(splitEvents(stream)).toEqual({
      events: [
        { event: "progress", data: '{"a":1}' },
        { event: "completed", data: '{"a":2}' },
      ],
      rest: "",
    });
  });

  it("keeps an event cut between two chunks until its end arrives", () => {
    const first = splitEvents('event: progress\ndata: {"st');
    expect(first.events).toEqual([]);
    const second = splitEvents(first.rest + 'atus":"done"}\r\n\r\n');
    expect(second.events).toEqual([{ event: "progress", data: '{"status":"done"}' }]);
  });
});
