// Connection state recovery as the official socket.io-client 4.8.4 sees it, against one server with recovery on
// (Typed's ConformanceServer app or sio-reference-server.mjs, both with --recovery), or ACROSS SERVERS: two members of
// one Redis Streams cluster (Typed's ConformanceServer app or cluster-member.mjs, both with --redis-mode streams
// --recovery):
//
//   node sio-recovery.mjs <baseUrl> <polling|websocket> <json|msgpack>
//   node sio-recovery.mjs <urlA> <urlB> <polling|websocket> <json|msgpack>
//
// Client A joins room "r" and receives numbered "others" broadcasts from client B. A asks the server to kill its
// transport ("kill-transport": a recoverable "forced close"); while A is away B broadcasts more. A reconnects by
// itself and must come back recovered (its `recovered` flag, the same id, room "r" kept), with every broadcast exactly
// once and in order, the missed ones before any sent after it came back. With two URLs, A starts on member A and B
// on member B (broadcasts reach A through the stream); when A is cut its Manager is pointed at member B (as a load
// balancer would send it elsewhere), so A must come back on member B, recovered from the session member A stored in
// Redis.
//
// stdout: one JSON line {"ok", ...observations, "errors"}; exit code 0 when ok. A 20 s watchdog ends the process.

import { createRequire } from "node:module";
import { io } from "socket.io-client";

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const [baseUrl, otherUrl, mode, parserName] = args.length === 4 ? args : [args[0], undefined, ...args.slice(1)];
const errors = [];
const result = { mode, parser: parserName };
const TIMEOUT = 5000;

const transports = { polling: ["polling"], websocket: ["websocket"] }[mode];
if (!transports || !["json", "msgpack"].includes(parserName)) {
  console.log(JSON.stringify({ ok: false, errors: ["usage: node sio-recovery.mjs <baseUrl> [<urlB>] <polling|websocket> <json|msgpack>"] }));
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

function waitFor(predicate, what) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      if (predicate()) return resolve();
      if (Date.now() - started > TIMEOUT) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(poll, 10);
    };
    poll();
  });
}

function connect(url, reconnection) {
  const options = { transports, upgrade: false, forceNew: true, reconnection, reconnectionDelay: 100, reconnectionDelayMax: 200 };
  if (parserName === "msgpack") options.parser = require("socket.io-msgpack-parser");
  const socket = io(url, options);
  sockets.push(socket);
  return socket;
}

const once = (socket, name) => new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`timed out waiting for ${name}`)), TIMEOUT);
  socket.once(name, (...args) => { clearTimeout(timer); resolve(args); });
});

try {
  const a = connect(baseUrl, true);
  const received = [];
  a.on("others", (n, offset) => received.push({ n, offset }));
  await once(a, "connect");
  const firstId = a.id;
  result.firstRecovered = a.recovered;
  check(a.recovered === false, "a first connection is not recovered");
  check(a.emitWithAck && (await a.timeout(TIMEOUT).emitWithAck("join", ["r"])) === "joined", "join acknowledged");

  const b = connect(otherUrl ?? baseUrl, false);
  await once(b, "connect");
  const send = async (from, to) => {
    for (let n = from; n <= to; n++) b.emit("broadcast-others", n);
    await b.timeout(TIMEOUT).emitWithAck("whoami"); // the server handled the broadcasts before this answer
  };

  await send(1, 5);
  await waitFor(() => received.length >= 5, "the first five broadcasts");
  result.offsetsAreStrings = received.every((r) => typeof r.offset === "string");
  check(result.offsetsAreStrings, "every broadcast ends with a string offset");

  const disconnected = once(a, "disconnect");
  // The Manager opens every (re)connection on its `uri`: from now on, member B's.
  if (otherUrl) a.once("disconnect", () => { a.io.uri = otherUrl; });
  a.emit("kill-transport");
  const [reason] = await disconnected;
  result.disconnectReason = reason;
  await send(6, 10); // missed by A

  await once(a, "connect");
  result.recovered = a.recovered;
  result.sameId = a.id === firstId;
  check(a.recovered === true, "the reconnection is recovered");
  check(result.sameId, "the recovered socket has the same id");

  await send(11, 15); // live again
  await waitFor(() => received.length >= 15, "fifteen broadcasts");
  const who = await a.timeout(TIMEOUT).emitWithAck("whoami");
  result.whoami = { member: who.member, recovered: who.recovered, hasRoom: who.rooms.includes("r"), sameId: who.id === firstId };
  if (otherUrl) {
    const whoB = await b.timeout(TIMEOUT).emitWithAck("whoami");
    check(who.member === whoB.member, `A came back on member B (${who.member}), not ${whoB.member}`);
  }
  check(who.recovered === true && who.rooms.includes("r") && who.id === firstId, `whoami after recovery: ${JSON.stringify(who)}`);

  result.received = received.map((r) => r.n);
  const expected = Array.from({ length: 15 }, (_, i) => i + 1);
  check(JSON.stringify(result.received) === JSON.stringify(expected), `every broadcast once, in order: ${JSON.stringify(result.received)}`);
  finish();
} catch (e) {
  finish(e.message);
}
