// Drives the official socket.io-client 4.8.4 against a Socket.IO server that
// implements the INTEROP APP (see README.md).
//
//   node sio-interop.mjs <baseUrl> <polling|websocket|upgrade> <json|msgpack> <scenario>
//
// Scenarios: connect-auth, middleware-reject, unknown-namespace, events, acks,
// binary, rooms, broadcast-ack, disconnect-reasons. The Socket.IO path is /socket.io/.
//
// stdout: exactly one JSON line, always with `ok` first and `errors` last; the
//         fields in between are the scenario's raw observations (see README.md).
// Exit code: 0 when ok, 1 otherwise. A 25 s watchdog guarantees the process ends.
// stderr: free-form diagnostics (set DEBUG=socket.io-client:*,engine.io-client:* for the client's own log).

import { createRequire } from "node:module";
import { Manager } from "socket.io-client";

const require = createRequire(import.meta.url);

const USAGE =
  "usage: node sio-interop.mjs <baseUrl> <polling|websocket|upgrade> <json|msgpack> " +
  "<connect-auth|middleware-reject|unknown-namespace|events|acks|binary|rooms|broadcast-ack|disconnect-reasons>";
const TRANSPORTS_BY_MODE = {
  polling: ["polling"],
  websocket: ["websocket"],
  upgrade: ["polling", "websocket"],
};
const PARSERS = { json: null, msgpack: "socket.io-msgpack-parser" };
const WATCHDOG_MS = 25_000;
// Time left after printing before exiting, so the last DISCONNECT packets and
// the Engine.IO close (a polling POST `1`, or the WebSocket close) reach the server.
const EXIT_GRACE_MS = 300;
// Upper bound for any single expected reaction of the server (connect, event, ack).
const REPLY_TIMEOUT_MS = 5_000;
// How long a scenario waits to prove that something does NOT happen.
const QUIET_MS = 500;
// How long a scenario waits to prove that the client does not retry/reconnect.
const NO_RETRY_MS = 1_500;
// How long the reconnection after `kill-transport` may take.
const RECONNECT_WITHIN_MS = 3_000;

const errors = [];
let result = {};
let mode = null;
let parserName = null;
let baseUrl = null;
let finished = false;
const managers = []; // every Manager created, for the transport checks and the final clean-up

// --- plumbing -----------------------------------------------------------------

function finish() {
  if (finished) return;
  finished = true;
  try {
    checkTransports();
  } catch (err) {
    errors.push(`transport check failed: ${describe(err)}`);
  }
  // Close everything so the server sees every socket leave before we exit.
  for (const m of managers) {
    try {
      for (const s of Object.values(m.nsps)) if (s.connected) s.disconnect();
      m._close();
    } catch (err) {
      errors.push(`clean-up failed: ${describe(err)}`);
    }
  }
  const ok = errors.length === 0;
  process.stdout.write(JSON.stringify({ ok, ...result, errors }) + "\n", () => {
    setTimeout(() => process.exit(ok ? 0 : 1), EXIT_GRACE_MS);
  });
}

function fail(message) {
  errors.push(message);
  finish();
}

function check(condition, message) {
  if (!condition) errors.push(message);
  return condition;
}

function describe(value) {
  if (value instanceof Error) {
    const detail = value.description;
    const suffix =
      detail === undefined ? "" : ` (${typeof detail === "object" ? detail?.message ?? detail?.type ?? "" : detail})`;
    return `${value.message}${suffix}`;
  }
  if (value && typeof value === "object") {
    const code = value.context?.code;
    return `${value.description ?? JSON.stringify(value)}${code === undefined ? "" : ` (code ${code})`}`;
  }
  return String(value);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Resolves once `predicate()` is true (checked every 5 ms); rejects after `ms`.
function waitUntil(predicate, ms, what) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      if (predicate()) return resolve(Date.now() - started);
      if (Date.now() - started >= ms) return reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      setTimeout(poll, 5);
    };
    poll();
  });
}

// Resolves with the arguments of the next `event` on `emitter`; rejects after `ms`.
function nextEvent(emitter, event, ms, what = event) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    const listener = (...args) => {
      clearTimeout(timer);
      resolve(args);
    };
    emitter.once(event, listener);
  });
}

// Resolves with the ack arguments of `socket.emit(event, ...args, ack)`; rejects after `ms`.
function emitWithCallback(socket, event, args, ms = REPLY_TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for "${event}" within ${ms} ms`)), ms);
    socket.emit(event, ...args, (...ackArgs) => {
      clearTimeout(timer);
      resolve(ackArgs);
    });
  });
}

// Records every occurrence of `event` on `socket` (arguments only, acks excluded).
function record(socket, event) {
  const list = [];
  socket.on(event, (...args) => list.push(args.filter((a) => typeof a !== "function")));
  return list;
}

// --- values -------------------------------------------------------------------

const isBinary = (v) => v instanceof ArrayBuffer || ArrayBuffer.isView(v);
const toBuffer = (v) =>
  v instanceof ArrayBuffer ? Buffer.from(v) : Buffer.from(v.buffer, v.byteOffset, v.byteLength);

// Canonical form for comparisons: binaries become {"$bin": "<hex>"}, key order is
// kept, numbers stay numbers and strings stay strings, so JSON.stringify of two
// canonical values is equal iff the values are equal including types and order.
function canon(v) {
  if (v === undefined) return { $undefined: true };
  if (v === null || typeof v !== "object") return v;
  if (isBinary(v)) return { $bin: toBuffer(v).toString("hex") };
  if (Array.isArray(v)) return v.map(canon);
  const out = {};
  for (const k of Object.keys(v)) out[k] = canon(v[k]);
  return out;
}

// Like canon, for reports: binaries longer than 32 bytes are summarised.
function shown(v) {
  if (v === undefined) return { $undefined: true };
  if (v === null || typeof v !== "object") return v;
  if (isBinary(v)) {
    const b = toBuffer(v);
    return b.length <= 32 ? { $bin: b.toString("hex") } : { $bin: `${b.subarray(0, 16).toString("hex")}…`, length: b.length };
  }
  if (Array.isArray(v)) return v.map(shown);
  const out = {};
  for (const k of Object.keys(v)) out[k] = shown(v[k]);
  return out;
}

const same = (a, b) => JSON.stringify(canon(a)) === JSON.stringify(canon(b));

// Names the JS types of every binary inside `v` (Buffer, ArrayBuffer, Uint8Array…), depth-first.
function binaryKinds(v, out = []) {
  if (isBinary(v)) out.push(Buffer.isBuffer(v) ? "Buffer" : v.constructor.name);
  else if (Array.isArray(v)) v.forEach((x) => binaryKinds(x, out));
  else if (v && typeof v === "object") Object.values(v).forEach((x) => binaryKinds(x, out));
  return out;
}

// --- managers and sockets -----------------------------------------------------

// A Manager (one Engine.IO connection) for this run's mode and parser. `label`
// names it in the report. Nothing connects until openManager().
function newManager(label, extra = {}) {
  const opts = {
    path: "/socket.io/",
    transports: TRANSPORTS_BY_MODE[mode],
    upgrade: mode === "upgrade",
    autoConnect: false,
    reconnection: false,
    timeout: REPLY_TIMEOUT_MS,
    ...extra,
  };
  if (PARSERS[parserName]) opts.parser = require(PARSERS[parserName]);
  const m = new Manager(baseUrl, opts);
  const info = { label, engines: [], closeReasons: [], reconnectAttempts: 0, reconnects: 0 };
  m._info = info;
  m.on("open", () => {
    const engine = m.engine;
    const e = { eid: engine.id, transportAtOpen: engine.transport.name, upgraded: false, closeReason: null };
    info.engines.push(e);
    engine.on("upgrade", (t) => {
      e.upgraded = true;
      console.error(`[${label}] engine ${engine.id} upgraded to ${t.name}`);
    });
    engine.on("upgradeError", (err) => errors.push(`[${label}] upgrade error: ${describe(err)}`));
    engine.on("close", (reason, details) => {
      e.closeReason = details === undefined ? reason : `${reason} (${describe(details)})`;
    });
  });
  m.on("close", (reason) => info.closeReasons.push(reason));
  m.on("reconnect_attempt", () => info.reconnectAttempts++);
  m.on("reconnect", () => info.reconnects++);
  m.on("error", (err) => console.error(`[${label}] manager error: ${describe(err)}`));
  managers.push(m);
  return m;
}

// Waits until the manager's current engine is open and, in upgrade mode, upgraded.
async function waitReady(m, what) {
  await waitUntil(() => m._readyState === "open" && m.engine?.readyState === "open", REPLY_TIMEOUT_MS, `${what} to open`);
  if (mode === "upgrade") {
    await waitUntil(() => m.engine.transport.name === "websocket", REPLY_TIMEOUT_MS, `${what} to upgrade to websocket`);
  }
}

async function openManager(m) {
  await new Promise((resolve, reject) => {
    m.open((err) => (err ? reject(new Error(`[${m._info.label}] engine failed to open: ${describe(err)}`)) : resolve()));
  });
  await waitReady(m, `[${m._info.label}] engine`);
}

// Creates a socket for `nsp` on `m`; `setup(socket)` registers listeners before CONNECT is sent.
function newSocket(m, nsp, auth, setup = () => {}) {
  const s = m.socket(nsp, auth === undefined ? {} : { auth });
  setup(s);
  return s;
}

// Connects `s` and resolves on `connect`; rejects on `connect_error` or timeout.
function connectSocket(s, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no connect within ${REPLY_TIMEOUT_MS} ms`)), REPLY_TIMEOUT_MS);
    s.once("connect", () => {
      clearTimeout(timer);
      resolve();
    });
    s.once("connect_error", (err) => {
      clearTimeout(timer);
      reject(new Error(`${what}: connect_error ${describe(err)}`));
    });
    s.connect();
  });
}

// A client (own Manager) with one socket on `/`, labelled `label`, connected and ready.
async function openClient(label, setup, managerOpts) {
  const m = newManager(label, managerOpts);
  await openManager(m);
  const s = newSocket(m, "/", { label }, setup);
  await connectSocket(s, `[${label}] /`);
  return { m, s };
}

// The socket still works: a `message` round trip.
async function roundTrip(s, token) {
  const back = nextEvent(s, "message-back", REPLY_TIMEOUT_MS, `message-back for ${token}`);
  s.emit("message", token);
  const args = await back;
  return same(args, [token]);
}

// Every manager: transport at each engine open, upgrade, transport at the end.
function checkTransports() {
  const expected = {
    polling: { open: "polling", final: "polling" },
    websocket: { open: "websocket", final: "websocket" },
    upgrade: { open: "polling", final: "websocket" },
  }[mode];
  result.transports = {};
  for (const m of managers) {
    const info = m._info;
    const finalTransport = m.engine?.readyState === "open" ? m.engine.transport.name : null;
    // Snapshots: the final clean-up closes the engines and managers afterwards.
    result.transports[info.label] = {
      engines: info.engines.map((e) => ({ ...e })),
      finalTransport,
      managerCloseReasons: [...info.closeReasons],
      reconnectAttempts: info.reconnectAttempts,
      reconnects: info.reconnects,
    };
    for (const e of info.engines) {
      check(e.transportAtOpen === expected.open, `[${info.label}] engine ${e.eid} opened on ${e.transportAtOpen}, expected ${expected.open}`);
      // In upgrade mode every engine is upgraded before it is used (waitReady);
      // in the other modes no upgrade may happen.
      if (mode === "upgrade") check(e.upgraded, `[${info.label}] engine ${e.eid} never upgraded`);
      else check(!e.upgraded, `[${info.label}] engine ${e.eid} upgraded in ${mode} mode`);
    }
    if (finalTransport !== null) {
      check(finalTransport === expected.final, `[${info.label}] final transport ${finalTransport}, expected ${expected.final}`);
    }
  }
}

// --- scenario: connect-auth ---------------------------------------------------

async function connectAuth() {
  const authRoot = { token: "abc", label: "A" };
  const authCustom = { token: "xyz", label: "A" };
  const m = newManager("A");
  await openManager(m);
  const got = {};
  const track = (key) => (s) => {
    got[key] = [];
    s.on("auth", (...args) => got[key].push(args));
  };
  const root = newSocket(m, "/", authRoot, track("root"));
  const custom = newSocket(m, "/custom", authCustom, track("custom"));
  await Promise.all([connectSocket(root, "[A] /"), connectSocket(custom, "[A] /custom")]);

  const m2 = newManager("N");
  await openManager(m2);
  const bare = newSocket(m2, "/", undefined, track("noAuth"));
  await connectSocket(bare, "[N] / without auth");

  await waitUntil(() => got.root.length && got.custom.length && got.noAuth.length, REPLY_TIMEOUT_MS, "the three auth events");
  await sleep(100); // a duplicate `auth` would show up here

  result.auth = { root: got.root.map(shown), custom: got.custom.map(shown), noAuth: got.noAuth.map(shown) };
  result.ids = {
    root: root.id,
    custom: custom.id,
    noAuth: bare.id,
    engineA: m.engine.id,
    engineN: m2.engine.id,
    multiplexed: root.io === custom.io,
  };
  check(got.root.length === 1 && same(got.root[0], [authRoot]), `/ auth: expected [${JSON.stringify(authRoot)}], got ${JSON.stringify(result.auth.root)}`);
  check(got.custom.length === 1 && same(got.custom[0], [authCustom]), `/custom auth: expected [${JSON.stringify(authCustom)}], got ${JSON.stringify(result.auth.custom)}`);
  check(got.noAuth.length === 1 && same(got.noAuth[0], [{}]), `no-auth: expected [{}], got ${JSON.stringify(result.auth.noAuth)}`);
  const ids = [root.id, custom.id, bare.id];
  check(ids.every((id) => typeof id === "string" && id.length > 0), `socket ids missing: ${JSON.stringify(ids)}`);
  check(new Set(ids).size === 3, `socket ids are not distinct: ${JSON.stringify(ids)}`);
  check(root.id !== m.engine.id && custom.id !== m.engine.id, "a socket id equals its engine id");
  check(bare.id !== m2.engine.id, "the no-auth socket id equals its engine id");
  check(root.io === custom.io, "/ and /custom do not share one Manager");
  check(m.engine.id !== m2.engine.id, "the two Managers share an engine id");
}

// --- scenarios: middleware-reject, unknown-namespace --------------------------

async function rejectedNamespace(nsp, expectedMessage, expectedData, quietMs) {
  const m = newManager("A");
  // Count every CONNECT packet the client writes, per namespace.
  const connectsSent = {};
  const origPacket = m._packet.bind(m);
  m._packet = (packet) => {
    if (packet.type === 0) connectsSent[packet.nsp] = (connectsSent[packet.nsp] ?? 0) + 1;
    return origPacket(packet);
  };
  await openManager(m);
  const engineId = m.engine.id;
  const root = newSocket(m, "/", { label: "A" });
  const rootDisconnects = record(root, "disconnect");
  await connectSocket(root, "[A] /");

  const errs = [];
  let connects = 0;
  const rejected = newSocket(m, nsp, { label: "A" }, (s) => {
    s.on("connect_error", (err) => errs.push({ message: err.message, data: err.data === undefined ? null : shown(err.data) }));
    s.on("connect", () => connects++);
  });
  rejected.connect();
  await waitUntil(() => errs.length > 0, REPLY_TIMEOUT_MS, `connect_error on ${nsp}`);
  await sleep(quietMs); // any retry would happen here
  const alive = await roundTrip(root, "still-alive");

  result.connectErrors = errs;
  result.connectsSent = connectsSent;
  result.rejectedSocket = { connected: rejected.connected, active: rejected.active, connects };
  result.root = { connected: root.connected, disconnects: shown(rootDisconnects), roundTrip: alive, sameEngine: m.engine?.id === engineId };

  check(errs.length === 1, `expected exactly 1 connect_error on ${nsp}, got ${errs.length}`);
  if (errs.length) {
    check(errs[0].message === expectedMessage, `connect_error message ${JSON.stringify(errs[0].message)}, expected ${JSON.stringify(expectedMessage)}`);
    check(same(errs[0].data, expectedData), `connect_error data ${JSON.stringify(errs[0].data)}, expected ${JSON.stringify(expectedData)}`);
  }
  check(connects === 0, `${nsp} connected ${connects} times`);
  check(connectsSent[nsp] === 1, `the client sent ${connectsSent[nsp] ?? 0} CONNECT packets for ${nsp}, expected 1 (no retry)`);
  check(!rejected.active, `${nsp} socket is still active (would retry)`);
  check(m._info.reconnectAttempts === 0, `the Manager attempted ${m._info.reconnectAttempts} reconnections`);
  check(root.connected && rootDisconnects.length === 0, `/ did not stay connected: disconnects ${JSON.stringify(rootDisconnects)}`);
  check(alive, "/ round trip after the rejection failed");
  check(m.engine?.id === engineId, "the Engine.IO connection changed");
}

const middlewareReject = () =>
  rejectedNamespace("/secure", "not authorized", { content: "Please retry later" }, NO_RETRY_MS);
const unknownNamespace = () => rejectedNamespace("/nope", "Invalid namespace", null, QUIET_MS);

// --- scenario: events ---------------------------------------------------------

const FIDELITY_ARGS = [1, "2", { 3: [true] }, null, "héllo ✓", [1.5, -2]];
const SEQ_COUNT = 50;

async function events() {
  const m = newManager("A");
  await openManager(m);
  const root = newSocket(m, "/", { label: "A" });
  const custom = newSocket(m, "/custom", { label: "A" });
  const backRoot = record(root, "message-back");
  const backCustom = record(custom, "message-back");
  await Promise.all([connectSocket(root, "[A] /"), connectSocket(custom, "[A] /custom")]);

  root.emit("message", ...FIDELITY_ARGS);
  custom.emit("message", ...FIDELITY_ARGS);
  await waitUntil(() => backRoot.length >= 1 && backCustom.length >= 1, REPLY_TIMEOUT_MS, "message-back on / and /custom");

  const started = Date.now();
  for (let i = 0; i < SEQ_COUNT; i++) root.emit("message", "seq", i);
  const seqBack = () => backRoot.filter((a) => a[0] === "seq");
  await waitUntil(() => seqBack().length >= SEQ_COUNT, REPLY_TIMEOUT_MS, `${SEQ_COUNT} seq message-backs`);
  const seqMs = Date.now() - started;
  await sleep(100); // a duplicate would show up here

  const seq = seqBack().map((a) => a[1]);
  result.fidelity = { sent: shown(FIDELITY_ARGS), root: shown(backRoot[0]), custom: shown(backCustom[0]) };
  result.types = { root: backRoot[0].map((v) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v)) };
  result.sequence = { count: seq.length, inOrder: seq.every((n, k) => n === k), ms: seqMs, received: seq };

  check(same(backRoot[0], FIDELITY_ARGS), `/ message-back differs: ${JSON.stringify(result.fidelity.root)}`);
  check(same(backCustom[0], FIDELITY_ARGS), `/custom message-back differs: ${JSON.stringify(result.fidelity.custom)}`);
  check(backRoot.length === 1 + SEQ_COUNT, `/ got ${backRoot.length} message-backs, expected ${1 + SEQ_COUNT}`);
  check(backCustom.length === 1, `/custom got ${backCustom.length} message-backs, expected 1`);
  check(seq.length === SEQ_COUNT && result.sequence.inOrder, `seq message-backs out of order or missing: ${JSON.stringify(seq)}`);
}

// --- scenario: acks -----------------------------------------------------------

async function acks() {
  const m = newManager("A");
  await openManager(m);
  const questions = [];
  const root = newSocket(m, "/", { label: "A" }, (s) => {
    s.on("question", (n, ack) => {
      questions.push({ n, withAck: typeof ack === "function" });
      if (typeof ack === "function") ack(`answer-${n}`);
    });
  });
  const answered = record(root, "question-answered");
  await connectSocket(root, "[A] /");

  const expected = [1, "two", { three: 3 }];
  const callbackArgs = await emitWithCallback(root, "message-with-ack", expected);
  const emptyArgs = await emitWithCallback(root, "message-with-ack", []);
  const timeoutForm = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout(2000).emit callback never ran")), 3000);
    root.timeout(2000).emit("message-with-ack", "x", (err, ...args) => {
      clearTimeout(timer);
      resolve({ err: err ? describe(err) : null, args });
    });
  });
  const withAck = await root.timeout(2000).emitWithAck("message-with-ack", ...expected);

  root.emit("request-question");
  await waitUntil(() => answered.length >= 1, REPLY_TIMEOUT_MS, "question-answered");

  result.callbackArgs = shown(callbackArgs);
  result.emptyAckArgs = shown(emptyArgs);
  result.timeoutForm = { err: timeoutForm.err, args: shown(timeoutForm.args) };
  result.emitWithAck = shown(withAck);
  result.questions = questions;
  result.questionAnswered = shown(answered);

  check(same(callbackArgs, expected), `callback ack args ${JSON.stringify(result.callbackArgs)}, expected ${JSON.stringify(expected)}`);
  check(same(emptyArgs, []), `empty ack args ${JSON.stringify(result.emptyAckArgs)}, expected []`);
  check(timeoutForm.err === null && same(timeoutForm.args, ["x"]), `timeout(2000).emit: ${JSON.stringify(result.timeoutForm)}`);
  check(withAck === 1, `emitWithAck resolved to ${JSON.stringify(result.emitWithAck)}, expected 1 (the first ack argument)`);
  check(questions.length === 1 && questions[0].n === 42 && questions[0].withAck, `question: ${JSON.stringify(questions)}`);
  check(answered.length === 1 && same(answered[0], ["answer-42"]), `question-answered: ${JSON.stringify(result.questionAnswered)}`);
}

// --- scenario: binary ---------------------------------------------------------

const PATTERN_1000 = Buffer.from(Uint8Array.from({ length: 1000 }, (_, i) => (i * 31 + 7) & 255));
const binaryArgs = () => [
  Buffer.from([1, 2, 3]),
  { nested: Buffer.from([4, 5]), text: "t" },
  [Buffer.alloc(0), Buffer.from(PATTERN_1000)],
];

async function binary() {
  const m = newManager("A");
  await openManager(m);
  const root = newSocket(m, "/", { label: "A" });
  const custom = newSocket(m, "/custom", { label: "A" });
  const backRoot = record(root, "binary-back");
  const backCustom = record(custom, "binary-back");
  await Promise.all([connectSocket(root, "[A] /"), connectSocket(custom, "[A] /custom")]);

  const sent = binaryArgs();
  root.emit("binary", ...binaryArgs());
  custom.emit("binary", ...binaryArgs());
  await waitUntil(() => backRoot.length >= 1 && backCustom.length >= 1, REPLY_TIMEOUT_MS, "binary-back on / and /custom");
  const ackArgs = await emitWithCallback(root, "binary-ack", [Buffer.from([9, 9])]);
  await sleep(100); // a duplicate would show up here

  result.sent = shown(sent);
  result.root = shown(backRoot[0]);
  result.custom = shown(backCustom[0]);
  result.binaryKinds = { root: binaryKinds(backRoot[0]), ack: binaryKinds(ackArgs) };
  result.ackArgs = shown(ackArgs);

  check(same(backRoot[0], sent), `/ binary-back differs: ${JSON.stringify(result.root)}`);
  check(same(backCustom[0], sent), `/custom binary-back differs: ${JSON.stringify(result.custom)}`);
  check(backRoot.length === 1 && backCustom.length === 1, `binary-back counts: / ${backRoot.length}, /custom ${backCustom.length}`);
  check(binaryKinds(backRoot[0]).length === 4, `expected 4 binaries in binary-back, got ${binaryKinds(backRoot[0]).length}`);
  check(same(ackArgs, [Buffer.from([9, 9]), "ok"]), `binary-ack args ${JSON.stringify(result.ackArgs)}, expected [0909, "ok"]`);
}

// --- scenario: rooms ----------------------------------------------------------

async function rooms() {
  const labels = ["A", "B", "C"];
  const roomMsgs = {};
  const others = {};
  const clients = {};
  await Promise.all(
    labels.map(async (label) => {
      clients[label] = await openClient(label, (s) => {
        roomMsgs[label] = record(s, "room-message");
        others[label] = record(s, "others");
      });
    }),
  );
  const joins = { A: ["r1"], B: ["r1"], C: ["r1", "vip"] };
  const joinAcks = {};
  await Promise.all(
    labels.map(async (label) => {
      joinAcks[label] = shown(await emitWithCallback(clients[label].s, "join", [joins[label]]));
    }),
  );

  const sentAck = await emitWithCallback(clients.A.s, "broadcast-except", [{ room: "r1", except: "vip", payload: "hi" }]);
  await waitUntil(() => roomMsgs.A.length >= 1 && roomMsgs.B.length >= 1, REPLY_TIMEOUT_MS, "room-message on A and B");
  await sleep(QUIET_MS); // C must stay silent
  const roomSnapshot = { A: shown(roomMsgs.A), B: shown(roomMsgs.B), C: shown(roomMsgs.C) };

  clients.B.s.emit("broadcast-others", "yo");
  await waitUntil(() => others.A.length >= 1 && others.C.length >= 1, REPLY_TIMEOUT_MS, "others on A and C");
  await sleep(QUIET_MS); // B must stay silent

  result.joinAcks = joinAcks;
  result.broadcastExceptAck = shown(sentAck);
  result.roomMessage = roomSnapshot;
  result.others = { A: shown(others.A), B: shown(others.B), C: shown(others.C) };

  for (const label of labels) check(same(joinAcks[label], ["joined"]), `[${label}] join ack ${JSON.stringify(joinAcks[label])}`);
  check(same(sentAck, ["sent"]), `broadcast-except ack ${JSON.stringify(result.broadcastExceptAck)}, expected ["sent"]`);
  check(same(roomMsgs.A, [["hi"]]), `A room-message ${JSON.stringify(roomSnapshot.A)}, expected [["hi"]]`);
  check(same(roomMsgs.B, [["hi"]]), `B room-message ${JSON.stringify(roomSnapshot.B)}, expected [["hi"]]`);
  check(roomMsgs.C.length === 0, `C (in vip) got room-message ${JSON.stringify(roomSnapshot.C)}`);
  check(same(others.A, [["yo"]]), `A others ${JSON.stringify(result.others.A)}, expected [["yo"]]`);
  check(same(others.C, [["yo"]]), `C others ${JSON.stringify(result.others.C)}, expected [["yo"]]`);
  check(others.B.length === 0, `B (the sender) got others ${JSON.stringify(result.others.B)}`);
}

// --- scenario: broadcast-ack --------------------------------------------------

async function broadcastAck() {
  const labels = ["A", "B", "C"];
  const pings = {};
  const clients = {};
  await Promise.all(
    labels.map(async (label) => {
      pings[label] = [];
      clients[label] = await openClient(label, (s) => {
        s.on("ping-all", (arg, ack) => {
          const silent = arg?.silent === label;
          pings[label].push({ arg: shown(arg), withAck: typeof ack === "function", acked: !silent });
          if (!silent && typeof ack === "function") ack(label);
        });
      });
    }),
  );

  let started = Date.now();
  const all = await emitWithCallback(clients.A.s, "broadcast-with-ack", [{}], REPLY_TIMEOUT_MS);
  const allMs = Date.now() - started;
  started = Date.now();
  const partial = await emitWithCallback(clients.A.s, "broadcast-with-ack", [{ silent: "C" }], REPLY_TIMEOUT_MS);
  const partialMs = Date.now() - started;

  result.allAnswer = { ack: shown(all), ms: allMs };
  result.silentC = { ack: shown(partial), ms: partialMs };
  result.pings = JSON.parse(JSON.stringify(pings));

  check(same(all, [["A", "B", "C"]]), `all answering: ack ${JSON.stringify(result.allAnswer.ack)}, expected [["A","B","C"]]`);
  check(same(partial, [{ timedOut: true, responses: ["A", "B"] }]), `C silent: ack ${JSON.stringify(result.silentC.ack)}, expected [{"timedOut":true,"responses":["A","B"]}]`);
  // The server's broadcast timeout is 1000 ms: the partial answer cannot come much earlier.
  check(partialMs >= 900, `C silent: the answer came after ${partialMs} ms, before the 1000 ms broadcast timeout`);
  for (const label of labels) {
    check(pings[label].length === 2 && pings[label].every((p) => p.withAck), `[${label}] ping-all: ${JSON.stringify(pings[label])}`);
  }
}

// --- scenario: disconnect-reasons ---------------------------------------------

async function disconnectReasons() {
  const reconnecting = { reconnection: true, reconnectionDelay: 200, reconnectionDelayMax: 1000 };
  const cases = {};
  const track = (label) => (s) => {
    const c = (cases[label] = { connects: 0, sids: [], disconnects: [] });
    s.on("connect", () => {
      c.connects++;
      c.sids.push(s.id);
    });
    s.on("disconnect", (reason, details) => {
      c.disconnects.push(details === undefined ? reason : `${reason} (${describe(details)})`);
      c.reasons = (c.reasons ?? []).concat(reason);
    });
  };
  const open = (label) => openClient(label, track(label), reconnecting);
  const firstReason = (label, what) =>
    waitUntil(() => cases[label].reasons?.length >= 1, REPLY_TIMEOUT_MS, `[${label}] disconnect after ${what}`);

  // (a) client disconnect
  const a = async () => {
    const { s } = await open("A");
    s.disconnect();
    await firstReason("A", "socket.disconnect()");
  };
  // (b) server namespace disconnect; (c) server disconnect(true): no reconnection in either case
  const serverSide = (label, event) => async () => {
    const { s } = await open(label);
    s.emit(event);
    await firstReason(label, event);
    await sleep(NO_RETRY_MS);
  };
  // (d) the server kills the Engine.IO connection: the client reconnects
  const d = async () => {
    const { m, s } = await open("D");
    s.emit("kill-transport");
    await firstReason("D", "kill-transport");
    const lostAt = Date.now();
    await waitUntil(() => cases.D.connects >= 2, RECONNECT_WITHIN_MS, "[D] reconnection within 3 s");
    cases.D.reconnectMs = Date.now() - lostAt;
    await waitReady(m, "[D] reconnected engine");
    cases.D.roundTripAfterReconnect = await roundTrip(s, "after-reconnect");
  };

  const outcomes = await Promise.allSettled([a(), serverSide("B", "disconnect-me")(), serverSide("C", "disconnect-me-fully")(), d()]);
  for (const o of outcomes) if (o.status === "rejected") errors.push(describe(o.reason));

  for (const label of ["A", "B", "C", "D"]) {
    const info = managers.find((m) => m._info.label === label)?._info;
    if (cases[label] && info) {
      cases[label].managerReconnectAttempts = info.reconnectAttempts;
      cases[label].engineCloseReasons = info.engines.map((e) => e.closeReason);
    }
  }
  // A snapshot: the final clean-up adds an "io client disconnect" to D.
  result.cases = JSON.parse(JSON.stringify(cases));

  const expect = { A: "io client disconnect", B: "io server disconnect", C: "io server disconnect", D: "transport close" };
  for (const [label, reason] of Object.entries(expect)) {
    const c = cases[label];
    if (!c) continue; // already reported by the failed step
    check(c.reasons?.[0] === reason, `[${label}] first disconnect reason ${JSON.stringify(c.reasons?.[0])}, expected ${JSON.stringify(reason)}`);
  }
  for (const label of ["A", "B", "C"]) {
    const c = cases[label];
    if (!c) continue;
    check(
      c.connects === 1 && c.reasons?.length === 1,
      `[${label}] connects ${c.connects}, ${c.disconnects.length} disconnects ${JSON.stringify(c.disconnects.slice(0, 3))}: expected no reconnection`,
    );
    check(c.managerReconnectAttempts === 0, `[${label}] the Manager attempted ${c.managerReconnectAttempts} reconnections`);
  }
  if (cases.D) {
    check(cases.D.connects === 2, `[D] connected ${cases.D.connects} times, expected 2`);
    check(new Set(cases.D.sids).size === cases.D.sids.length, `[D] the reconnected socket kept its id: ${JSON.stringify(cases.D.sids)}`);
    check(cases.D.roundTripAfterReconnect === true, "[D] no round trip after the reconnection");
  }
}

// --- main -----------------------------------------------------------------------

const SCENARIOS = {
  "connect-auth": connectAuth,
  "middleware-reject": middlewareReject,
  "unknown-namespace": unknownNamespace,
  events,
  acks,
  binary,
  rooms,
  "broadcast-ack": broadcastAck,
  "disconnect-reasons": disconnectReasons,
};

function main() {
  const args = process.argv.slice(2);
  let scenario;
  [baseUrl, mode, parserName, scenario] = args;
  let url = null;
  try {
    url = new URL(baseUrl);
  } catch {
    // reported below
  }
  if (
    args.length !== 4 ||
    !url ||
    !["http:", "https:"].includes(url.protocol) ||
    !Object.hasOwn(TRANSPORTS_BY_MODE, mode) ||
    !Object.hasOwn(PARSERS, parserName) ||
    !Object.hasOwn(SCENARIOS, scenario)
  ) {
    return fail(`bad arguments ${JSON.stringify(args)}; ${USAGE}`);
  }
  result = { scenario, mode, parser: parserName };

  setTimeout(() => fail(`watchdog: no result after ${WATCHDOG_MS} ms`), WATCHDOG_MS);
  process.on("uncaughtException", (err) => fail(`uncaught exception: ${err?.stack ?? err}`));
  process.on("unhandledRejection", (err) => fail(`unhandled rejection: ${err?.stack ?? err}`));

  const started = Date.now();
  SCENARIOS[scenario]()
    .catch((err) => errors.push(describe(err)))
    .finally(() => {
      result.ms = Date.now() - started;
      finish();
    });
}

main();
