// Drives a typed hub (Typed.Interop.Tests/Typed/ChatHub.cs) with the official socket.io-client 4.8.4: the events
// and acks of the C# contracts IChatServer / IChatClient, as plain JavaScript sees them.
//
//   node sio-typed.mjs <baseUrl> <polling|websocket|upgrade> <json|msgpack>
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
  console.log(JSON.stringify({ ok: false, errors: ["usage: node sio-typed.mjs <baseUrl> <polling|websocket|upgrade> <json|msgpack>"] }));
  process.exit(1);
}

setTimeout(() => finish("watchdog: the run took more than 20 s"), 20_000).unref();

const sockets = [];
function finish(error) {
  if (error) errors.push(error);
  for (const s of sockets) s.disconnect();
  const ok = errors.length === 0;
  process.stdout.write(JSON.stringify({ ok, ...result, errors }) + "\n", () => setTimeout(() => process.exit(ok ? 0 : 1), 200));
}

const check = (condition, message) => { if (!condition) errors.push(message); };
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const hex = (v) => Buffer.from(v instanceof ArrayBuffer ? new Uint8Array(v) : v).toString("hex");

async function connect(label) {
  const options = { transports, upgrade: mode === "upgrade", reconnection: false, forceNew: true };
  if (parserName === "msgpack") options.parser = require("socket.io-msgpack-parser");
  const manager = new Manager(baseUrl, options);
  const socket = manager.socket("/chat");
  sockets.push(socket);
  const seen = { label, messages: [], confirms: [], files: [] };
  socket.on("messageReceived", (m) => seen.messages.push(m));
  socket.on("confirm", (q, ack) => { seen.confirms.push(q); ack(true); });
  socket.on("fileReceived", (name, data) => seen.files.push([name, hex(data)]));
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
    setTimeout(() => reject(new Error(`${label} did not connect`)), TIMEOUT);
  });
  if (mode === "upgrade") {
    const started = Date.now();
    while (manager.engine.transport.name !== "websocket" && Date.now() - started < TIMEOUT) await sleep(10);
    check(manager.engine.transport.name === "websocket", `${label} did not upgrade`);
  }
  return { socket, seen };
}

const callback = (socket, event, ...args) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for ${event}`)), TIMEOUT);
    socket.emit(event, ...args, (...ack) => { clearTimeout(timer); resolve(ack); });
  });

try {
  const a = await connect("A");
  const b = await connect("B");
  const c = await connect("C");

  result.joinA = await a.socket.timeout(TIMEOUT).emitWithAck("join", "r1");
  result.joinB = await b.socket.timeout(TIMEOUT).emitWithAck("join", "r1");
  check(same(result.joinA, { room: "r1", members: 1 }), `join A: ${JSON.stringify(result.joinA)}`);
  check(same(result.joinB, { room: "r1", members: 2 }), `join B: ${JSON.stringify(result.joinB)}`);

  // A plain event; a void event asked for an ack gets an empty one once handled.
  a.socket.emit("sendMessage", "r1", "hello");
  result.voidAck = await callback(a.socket, "sendMessage", "r1", "second");
  check(same(result.voidAck, []), `void ack: ${JSON.stringify(result.voidAck)}`);
  await sleep(300);
  check(same(b.seen.messages, [{ from: a.socket.id, text: "hello" }, { from: a.socket.id, text: "second" }]), `B messages: ${JSON.stringify(b.seen.messages)}`);
  check(a.seen.messages.length === 0 && c.seen.messages.length === 0, "the room message reached A (excluded) or C (not in the room)");

  result.add = await callback(a.socket, "add", 2, 3, "x");
  check(same(result.add, [5, "x"]), `tuple ack: ${JSON.stringify(result.add)}`);

  result.upload = await callback(a.socket, "upload file", "n", Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
  check(same(result.upload, [10]), `binary argument: ${JSON.stringify(result.upload)}`);

  result.askClient = await a.socket.timeout(TIMEOUT).emitWithAck("askClient", "ok?");
  check(result.askClient === true, `server→client ack: ${JSON.stringify(result.askClient)}`);
  check(same(a.seen.confirms, ["ok?", "all? ok?"]), `A confirms: ${JSON.stringify(a.seen.confirms)}`);
  check(same(b.seen.confirms, ["all? ok?"]) && same(c.seen.confirms, ["all? ok?"]), "the broadcast with acks missed B or C");
  check(same(a.seen.files, [["f.bin", "010203"]]), `binary emit: ${JSON.stringify(a.seen.files)}`);

  c.socket.emit("shout", { from: "C", text: "hey" });
  await sleep(300);
  check(same(a.seen.messages, [{ from: "C", text: "hey" }]), `A after shout: ${JSON.stringify(a.seen.messages)}`);
  check(b.seen.messages.length === 3 && c.seen.messages.length === 0, "Others reached the caller or missed B");

  result.rooms = await a.socket.timeout(TIMEOUT).emitWithAck("listRooms");
  check(same(result.rooms, [a.socket.id, "r1"].sort()), `inherited contract: ${JSON.stringify(result.rooms)}`);
  finish();
} catch (error) {
  finish(String(error?.message ?? error));
}
