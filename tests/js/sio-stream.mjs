// Consumes the streams of a typed hub (Typed.Interop.Tests/Streaming/StreamHub.cs) with the official socket.io-client
// 4.8.4 and nothing else: the stream convention of docs/streaming.md, written by hand as a JavaScript user would.
//
//   node sio-stream.mjs <baseUrl> <polling|websocket> <json|msgpack>
//
// Checks: "ticks" with a window of 4 (credit granted back with "$stream-ack"), all 10 items in order, then
// "$stream-end" without error; "failing" ends with {"$error":{code:"handler_error"}}; "endless" cancelled with
// "$stream-cancel" after 3 items (no more than the window arrives, and no "$stream-end"); a call without the stream
// request is refused with a binding_error acknowledgement; an upload to "sumUpload" (40 items against the hub's credit,
// the first grant being its window of 16) is answered with the sum.
// stdout: one JSON line {"ok", ...observations, "errors"}; exit code 0 when ok. A 20 s watchdog ends the process.

import { createRequire } from "node:module";
import { io } from "socket.io-client";

const require = createRequire(import.meta.url);
const [baseUrl, mode, parserName] = process.argv.slice(2);
const errors = [];
const result = { mode, parser: parserName };
const TIMEOUT = 5000;
let socket;

function finish(error) {
  if (error) errors.push(String(error));
  socket?.disconnect();
  const ok = errors.length === 0;
  process.stdout.write(JSON.stringify({ ok, ...result, errors }) + "\n", () => setTimeout(() => process.exit(ok ? 0 : 1), 200));
}

setTimeout(() => finish("watchdog: the run took more than 20 s"), 20_000).unref();
const check = (condition, message) => { if (!condition) errors.push(message); };
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// One consumer per stream id: the convention's whole client side.
const streams = new Map();
let nextId = 0;

function openStream(event, args, { credit, onItem }) {
  const id = `js${++nextId}`;
  const stream = { id, items: [], credit };
  stream.done = new Promise((resolve) => { stream.resolve = resolve; });
  stream.onItem = onItem ?? ((item) => {
    stream.items.push(item);
    socket.emit("$stream-ack", id, 1); // one item taken: one more may come
  });
  streams.set(id, stream);
  stream.accepted = socket.timeout(TIMEOUT).emitWithAck(event, ...args, { $stream: id, credit });
  return stream;
}

async function run() {
  const options = { transports: [mode], upgrade: false, reconnection: false, forceNew: true };
  if (parserName === "msgpack") options.parser = require("socket.io-msgpack-parser");
  socket = io(baseUrl + "/stream", options);
  socket.on("$stream", (id, item) => streams.get(id)?.onItem(item));
  socket.on("$stream-end", (id, error) => {
    const stream = streams.get(id);
    if (!stream) return;
    streams.delete(id);
    stream.resolve({ error: error?.$error ?? null });
  });
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
    setTimeout(() => reject(new Error("did not connect")), TIMEOUT);
  });

  // A finite stream, more items than the window.
  const ticks = openStream("ticks", [10], { credit: 4 });
  const accepted = await ticks.accepted;
  check(same(accepted, { $stream: ticks.id }), `ticks accepted with ${JSON.stringify(accepted)}`);
  const end = await ticks.done;
  result.ticks = ticks.items.length;
  check(end.error === null, `ticks ended with ${JSON.stringify(end)}`);
  check(same(ticks.items, Array.from({ length: 10 }, (_, i) => ({ seq: i, text: `tick ${i}` }))), `ticks: ${JSON.stringify(ticks.items)}`);

  // A producer error.
  const failing = openStream("failing", [2], { credit: 4 });
  await failing.accepted;
  const failed = await failing.done;
  result.failing = failing.items;
  check(same(failing.items, [0, 1]), `failing items ${JSON.stringify(failing.items)}`);
  check(failed.error?.code === "handler_error", `failing ended with ${JSON.stringify(failed)}`);

  // Cancellation: take 3 items without granting credit, cancel, and see that nothing more than the window came.
  let cancelled;
  const endless = openStream("endless", [], {
    credit: 3,
    onItem: (item) => {
      endless.items.push(item);
      if (endless.items.length === 3) {
        socket.emit("$stream-cancel", endless.id);
        cancelled?.();
      }
    },
  });
  await endless.accepted;
  await new Promise((resolve) => { cancelled = resolve; if (endless.items.length >= 3) resolve(); });
  // A round trip after the cancel: anything the producer still sent has arrived by the time its answer does.
  const refused = await socket.timeout(TIMEOUT).emitWithAck("ticks", 1);
  result.endless = endless.items;
  check(same(endless.items, [0, 1, 2]), `endless got ${JSON.stringify(endless.items)} with a window of 3`);
  check(streams.has(endless.id), "a cancelled stream was ended by the producer");

  // A call without the stream request cannot bind.
  result.refused = refused;
  check(refused?.$error?.code === "binding_error", `a call without {$stream} answered ${JSON.stringify(refused)}`);

  // An upload, as docs/streaming.md shows it: items only against the hub's credit, then "$stream-end"; the answer is
  // the hub's result. 40 items, more than the hub's window (16), so credit must come back as the hub takes them.
  const credits = [];
  const sum = await upload("sumUpload", Array.from({ length: 40 }, (_, i) => i), credits, "numbers");
  result.uploadSum = sum;
  result.uploadCredits = credits;
  check(sum === 780, `sumUpload answered ${JSON.stringify(sum)}`);
  check(credits[0] === 16, `the first credit was ${credits[0]}, not the hub's window`);
  finish();
}

// The uploader of docs/streaming.md ("A plain socket.io-client uploader"), recording the credit it was granted.
function upload(event, items, credits, ...args) {
  const id = `up${++nextId}`;
  let credit = 0, wake = null, stopped = false;
  const onAck = (sid, n) => { if (sid === id) { credits.push(n); credit += n; wake?.(); } };
  const onCancel = (sid) => { if (sid === id) { stopped = true; wake?.(); } };
  socket.on("$stream-ack", onAck);
  socket.on("$stream-cancel", onCancel);
  const answer = socket.timeout(TIMEOUT).emitWithAck(event, ...args, { $stream: id });
  (async () => {
    for await (const item of items) {
      while (credit === 0 && !stopped) await new Promise((r) => (wake = r));
      if (stopped) return;
      credit--;
      socket.emit("$stream", id, item);
    }
    socket.emit("$stream-end", id);
  })();
  return answer.finally(() => { socket.off("$stream-ack", onAck); socket.off("$stream-cancel", onCancel); });
}

run().catch(finish);
