// Drives the typed FileHub (Typed.Interop.Tests/Typed/FileHub.cs) with the official socket.io-client 4.8.4: records
// with binary inside and dates, as plain JavaScript sends and receives them.
//
//   node sio-typed-binary.mjs <baseUrl> <polling|websocket|upgrade> <json|msgpack>
//
// stdout: one JSON line {"ok", ...observations, "errors"}; exit code 0 when ok. A 20 s watchdog ends the process.

import { createRequire } from "node:module";
import { Manager } from "socket.io-client";

const require = createRequire(import.meta.url);
const [baseUrl, mode, parserName] = process.argv.slice(2);
const errors = [];
const result = { mode, parser: parserName };
const TIMEOUT = 5000;

const transports = { polling: ["polling"], websocket: ["websocket"], upgrade: ["polling", "websocket"] }[mode];
if (!transports || !["json", "msgpack"].includes(parserName)) {
  console.log(JSON.stringify({ ok: false, errors: ["usage: node sio-typed-binary.mjs <baseUrl> <polling|websocket|upgrade> <json|msgpack>"] }));
  process.exit(1);
}

setTimeout(() => finish("watchdog: the run took more than 20 s"), 20_000).unref();

let socket;
function finish(error) {
  if (error) errors.push(error);
  socket?.disconnect();
  const ok = errors.length === 0;
  process.stdout.write(JSON.stringify({ ok, ...result, errors }) + "\n", () => setTimeout(() => process.exit(ok ? 0 : 1), 200));
}

const check = (condition, message) => { if (!condition) errors.push(message); };

// A binary as received: Node gives a Buffer for both parsers (the browser build an ArrayBuffer); a base64 string or a
// placeholder object would mean the server wrote the bytes as JSON.
const describe = (v) => Buffer.isBuffer(v) ? { buffer: v.toString("hex") }
  : v instanceof ArrayBuffer ? { arrayBuffer: Buffer.from(v).toString("hex") }
  : { notBinary: v };
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

try {
  const options = { transports, upgrade: mode === "upgrade", reconnection: false, forceNew: true };
  if (parserName === "msgpack") options.parser = require("socket.io-msgpack-parser");
  const manager = new Manager(baseUrl, options);
  socket = manager.socket("/files");
  const pushed = new Promise((resolve, reject) => {
    socket.once("pushed", resolve);
    setTimeout(() => reject(new Error("no pushed event")), TIMEOUT);
  });
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
    setTimeout(() => reject(new Error("did not connect")), TIMEOUT);
  });

  // A Buffer inside an object: socket.io-parser sends a placeholder there, which must bind to the record's byte[].
  result.store = await socket.timeout(TIMEOUT).emitWithAck("store", { name: "a.bin", data: Buffer.from([1, 2, 0xff]) });
  check(result.store === "a.bin:3", `store: ${JSON.stringify(result.store)}`);

  // A record with byte[], List<byte[]> and ReadOnlyMemory<byte>, as an ack and as an event: Buffers, not strings.
  const download = await socket.timeout(TIMEOUT).emitWithAck("fetch", "d");
  const event = await pushed;
  for (const [label, value] of [["ack", download], ["event", event]]) {
    const seen = { name: value?.name, data: describe(value?.data), chunks: (value?.chunks ?? []).map(describe), tail: describe(value?.tail) };
    result[label] = seen;
    check(Buffer.isBuffer(value?.data) && value.chunks?.every((c) => Buffer.isBuffer(c)) && Buffer.isBuffer(value?.tail), `${label}: binary did not arrive as Buffers: ${JSON.stringify(seen)}`);
    check(same(seen, { name: "d", data: { buffer: "010203" }, chunks: [{ buffer: "04" }, { buffer: "0506" }], tail: { buffer: "07" } }), `${label}: ${JSON.stringify(seen)}`);
  }

  // A Date goes out as JSON.stringify writes it (msgpack: notepack's Date extension); the server answers with the
  // same instant plus half a millisecond in another offset, which must come back in exactly Date.toJSON()'s form.
  const sent = new Date(Date.UTC(2026, 10, 27, 10, 0, 40, 517));
  const stamp = await socket.timeout(TIMEOUT).emitWithAck("echoStamp", { label: "s", at: sent });
  result.stamp = stamp;
  check(typeof stamp?.at === "string" && new Date(stamp.at).toJSON() === stamp.at, `date not in Date.toJSON() form: ${JSON.stringify(stamp)}`);
  check(stamp?.at === sent.toJSON(), `date: ${JSON.stringify(stamp)}, sent ${sent.toJSON()}`);
  finish();
} catch (error) {
  finish(String(error?.message ?? error));
}
