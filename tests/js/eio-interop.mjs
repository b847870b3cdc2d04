// Drives the official engine.io-client against an Engine.IO server under test.
//
//   node eio-interop.mjs <baseUrl> <polling|websocket|upgrade> <echo|server-close|client-close>
//
// The server must echo every message (text as text, binary as binary) and close
// the session when it receives the text `close-me`. The Engine.IO path is /engine.io/.
//
// stdout: exactly one JSON line, always with `ok` first and `errors` last.
// Exit code: 0 when ok, 1 otherwise. A 25 s watchdog guarantees the process ends.
// stderr: free-form diagnostics (set DEBUG=engine.io-client:* for the client's own log).

import { Socket } from "engine.io-client";

const USAGE =
  "usage: node eio-interop.mjs <baseUrl> <polling|websocket|upgrade> <echo|server-close|client-close>";
const TRANSPORTS_BY_MODE = {
  polling: ["polling"],
  websocket: ["websocket"],
  upgrade: ["polling", "websocket"],
};
const WATCHDOG_MS = 25_000;
// Time left after printing before exiting, so a client-side close (a polling
// POST `1`, or the WebSocket close handshake) actually reaches the server.
const EXIT_GRACE_MS = 300;
// How long a scenario waits for the server's reaction (echo, close).
const REPLY_TIMEOUT_MS = 10_000;

const errors = [];
let result = {};
// Fills in the scenario's derived fields; also runs when the watchdog fires.
let summarize = () => {};
let finished = false;

function finish() {
  if (finished) return;
  finished = true;
  try {
    summarize();
  } catch (err) {
    errors.push(`summarize failed: ${describe(err)}`);
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

function describe(value) {
  if (value instanceof Error) {
    // engine.io-client's TransportError carries the HTTP status / WS event in `description`.
    const detail = value.description;
    const suffix =
      detail === undefined ? "" : ` (${typeof detail === "object" ? detail.message ?? detail.type ?? "" : detail})`;
    return `${value.message}${suffix}`;
  }
  if (value && typeof value === "object") {
    // Close details from a transport: { description, context }, context being the WS CloseEvent.
    const code = value.context?.code;
    return `${value.description ?? JSON.stringify(value)}${code === undefined ? "" : ` (code ${code})`}`;
  }
  return String(value);
}

// "<reason>" or "<reason> (<details>)", for a socket `close` event.
function closeText(reason, description) {
  return description === undefined ? reason : `${reason} (${describe(description)})`;
}

function preview(data) {
  if (typeof data === "string") return JSON.stringify(data.length > 60 ? `${data.slice(0, 60)}…` : data);
  return `<binary ${toBytes(data).length} bytes>`;
}

// Binary messages arrive as ArrayBuffer (binaryType "arraybuffer"); a Buffer is accepted too.
function isBinary(data) {
  return data instanceof ArrayBuffer || ArrayBuffer.isView(data);
}

function toBytes(data) {
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function hex(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

// --- scenario: echo ---------------------------------------------------------

const UNICODE_TEXT = "héllo ✓ 日本";
const BIG_BINARY = Uint8Array.from({ length: 100 * 1024 }, (_, i) => (i * 7) & 255);
const TICK_MS = 15;
const MIN_TEXTS = 30;
const MIN_TEXTS_AFTER_UPGRADE = 10;
const MAX_TEXTS = 300;
const SEND_WINDOW_MS = 15_000;

function runEcho(socket, mode) {
  const sentTexts = [];
  const sentSmall = []; // hex of each small binary, in send order
  const receivedTexts = []; // every text in arrival order, the unicode one included
  const receivedSmall = [];
  const receivedBig = [];
  let transportAtOpen = null;
  let finalTransport = null;
  let upgradeEvent = false;
  let textsAfterUpgrade = 0;
  let openedAt = 0;
  let ticker = null;
  let doneSending = false;
  let echoTimer = null;
  let closing = false;

  const orderedTexts = () => receivedTexts.filter((t) => t !== UNICODE_TEXT);
  const unicodeCount = () => receivedTexts.length - orderedTexts().length;
  const stopConditionMet = () =>
    sentTexts.length >= MIN_TEXTS &&
    (mode !== "upgrade" || (upgradeEvent && textsAfterUpgrade >= MIN_TEXTS_AFTER_UPGRADE));
  const allEchoed = () =>
    orderedTexts().length >= sentTexts.length &&
    unicodeCount() >= 1 &&
    receivedSmall.length >= sentSmall.length &&
    receivedBig.length >= 1;

  const sendText = (text) => {
    socket.send(text);
    sentTexts.push(text);
    if (upgradeEvent) textsAfterUpgrade++;
  };

  const tick = () => {
    if (stopConditionMet()) return stopSending();
    if (sentTexts.length >= MAX_TEXTS || Date.now() - openedAt >= SEND_WINDOW_MS) {
      errors.push(
        `send cap reached (${sentTexts.length} texts, ${Date.now() - openedAt} ms) before the stop condition was met`,
      );
      return stopSending();
    }
    const i = sentTexts.length;
    sendText(`m${i}`);
    if (i % 5 === 0) {
      const small = Uint8Array.of(i & 255, 1, 2, 3);
      socket.send(small);
      sentSmall.push(hex(small));
    }
  };

  const stopSending = () => {
    clearInterval(ticker);
    doneSending = true;
    echoTimer = setTimeout(() => fail(`not every message was echoed within ${REPLY_TIMEOUT_MS} ms`), REPLY_TIMEOUT_MS);
    closeIfComplete();
  };

  const closeIfComplete = () => {
    if (!doneSending || closing || !allEchoed()) return;
    clearTimeout(echoTimer);
    closing = true;
    finalTransport = socket.transport.name;
    socket.close();
  };

  summarize = () => {
    const opened = transportAtOpen !== null;
    const ordered = orderedTexts();
    const orderOk = opened && ordered.length === sentTexts.length && ordered.every((t, k) => t === sentTexts[k]);
    const binaryOk =
      opened && receivedSmall.length === sentSmall.length && receivedSmall.every((h, k) => h === sentSmall[k]);
    const unicodeOk = unicodeCount() === 1;
    const bigBinaryOk = receivedBig.length === 1 && hex(receivedBig[0]) === hex(BIG_BINARY);
    finalTransport ??= socket.transport?.name ?? null;
    result = {
      transportAtOpen,
      upgradeEvent,
      finalTransport,
      sentTexts: sentTexts.length,
      receivedTexts,
      binaryOk,
      unicodeOk,
      bigBinaryOk,
      orderOk,
      textsAfterUpgrade,
    };

    if (!opened) {
      // The connection error is already in `errors`; the checks below would only repeat it.
      errors.push("the socket never opened");
      return;
    }

    if (!orderOk) {
      let k = 0;
      while (k < sentTexts.length && sentTexts[k] === ordered[k]) k++;
      const at = (list) => (k < list.length ? preview(list[k]) : "nothing");
      errors.push(
        `texts differ from those sent: sent ${sentTexts.length}, received ${ordered.length}, ` +
          `first difference at #${k}: expected ${at(sentTexts)}, got ${at(ordered)}`,
      );
    }
    if (!binaryOk) errors.push(`small binaries differ: sent [${sentSmall}], received [${receivedSmall}]`);
    if (!unicodeOk) errors.push(`unicode text received ${unicodeCount()} times instead of once`);
    if (!bigBinaryOk) {
      errors.push(`100 KB binary: received ${receivedBig.length} copies, lengths [${receivedBig.map((b) => b.length)}], not byte-exact`);
    }

    const expected = {
      polling: { open: "polling", final: "polling", upgrade: false },
      websocket: { open: "websocket", final: "websocket", upgrade: false },
      upgrade: { open: "polling", final: "websocket", upgrade: true },
    }[mode];
    if (transportAtOpen !== expected.open) errors.push(`transport at open was ${transportAtOpen}, expected ${expected.open}`);
    if (finalTransport !== expected.final) errors.push(`final transport was ${finalTransport}, expected ${expected.final}`);
    if (upgradeEvent !== expected.upgrade) errors.push(`upgrade event ${upgradeEvent ? "fired" : "did not fire"}`);
    if (mode === "upgrade" && textsAfterUpgrade < MIN_TEXTS_AFTER_UPGRADE) {
      errors.push(`only ${textsAfterUpgrade} texts were sent after the upgrade`);
    }
  };

  socket.on("open", () => {
    transportAtOpen = socket.transport.name;
    openedAt = Date.now();
    tick();
    // Sent right away so that in polling and upgrade modes they travel inside a
    // polling payload (base64 for the binary), in websocket mode as frames.
    // The unicode text is checked on its own, outside the ordered m<i> sequence.
    socket.send(UNICODE_TEXT);
    socket.send(BIG_BINARY);
    ticker = setInterval(tick, TICK_MS);
  });
  socket.on("upgrade", (transport) => {
    upgradeEvent = true;
    console.error(`upgraded to ${transport.name} after ${sentTexts.length} texts`);
  });
  socket.on("upgradeError", (err) => errors.push(`upgrade error: ${describe(err)}`));
  socket.on("message", (data) => {
    if (typeof data === "string") {
      receivedTexts.push(data);
    } else if (isBinary(data)) {
      const bytes = toBytes(data);
      if (bytes.length === BIG_BINARY.length) receivedBig.push(bytes);
      else receivedSmall.push(hex(bytes));
    } else {
      errors.push(`message of unexpected type ${Object.prototype.toString.call(data)}`);
    }
    closeIfComplete();
  });
  socket.on("close", (reason, description) => {
    clearInterval(ticker);
    clearTimeout(echoTimer);
    if (!closing) errors.push(`socket closed unexpectedly: ${closeText(reason, description)}`);
    finish();
  });
}

// --- scenario: server-close -------------------------------------------------

function runServerClose(socket) {
  result = { closeReason: null, closeDescription: null, transport: null };
  let closeTimer = null;

  socket.on("open", () => {
    socket.send("close-me");
    closeTimer = setTimeout(() => fail(`no close event within ${REPLY_TIMEOUT_MS} ms of sending close-me`), REPLY_TIMEOUT_MS);
  });
  socket.on("message", (data) => errors.push(`unexpected message before the close: ${preview(data)}`));
  socket.on("close", (reason, description) => {
    clearTimeout(closeTimer);
    result.closeReason = reason;
    result.closeDescription = description === undefined ? null : describe(description);
    result.transport = socket.transport.name;
    // engine.io-client reports a server-side close as "transport close" on both
    // transports; "transport error" would mean the server failed a request instead.
    if (reason !== "transport close") errors.push(`close reason was ${reason}, expected "transport close"`);
    finish();
  });
}

// --- scenario: client-close -------------------------------------------------

function runClientClose(socket) {
  result = { closeReason: null, echoed: false, transport: null };
  let echoTimer = null;

  socket.on("open", () => {
    socket.send("hello");
    echoTimer = setTimeout(() => fail(`"hello" was not echoed within ${REPLY_TIMEOUT_MS} ms`), REPLY_TIMEOUT_MS);
  });
  socket.on("message", (data) => {
    if (data !== "hello") {
      errors.push(`unexpected message: ${preview(data)}`);
      return;
    }
    clearTimeout(echoTimer);
    result.echoed = true;
    socket.close();
  });
  socket.on("close", (reason, description) => {
    clearTimeout(echoTimer);
    result.closeReason = reason;
    result.transport = socket.transport.name;
    if (!result.echoed) errors.push(`socket closed before the echo: ${closeText(reason, description)}`);
    else if (reason !== "forced close") errors.push(`close reason was ${reason}, expected "forced close"`);
    finish();
  });
}

// --- main -------------------------------------------------------------------

const SCENARIOS = { echo: runEcho, "server-close": runServerClose, "client-close": runClientClose };

function main() {
  const [baseUrl, mode, scenario] = process.argv.slice(2);
  let url = null;
  try {
    url = new URL(baseUrl);
  } catch {
    // reported below
  }
  if (!url || !["http:", "https:"].includes(url.protocol) || !Object.hasOwn(TRANSPORTS_BY_MODE, mode) || !Object.hasOwn(SCENARIOS, scenario)) {
    return fail(`bad arguments ${JSON.stringify(process.argv.slice(2))}; ${USAGE}`);
  }

  setTimeout(() => fail(`watchdog: no result after ${WATCHDOG_MS} ms`), WATCHDOG_MS);
  process.on("uncaughtException", (err) => fail(`uncaught exception: ${err?.stack ?? err}`));
  process.on("unhandledRejection", (err) => fail(`unhandled rejection: ${err?.stack ?? err}`));

  const socket = new Socket(baseUrl, {
    path: "/engine.io/",
    transports: TRANSPORTS_BY_MODE[mode],
    upgrade: mode === "upgrade",
  });
  // Binary then reaches "message" as an ArrayBuffer on every transport (the
  // parser converts at decode time, so setting it after construction is fine).
  socket.binaryType = "arraybuffer";
  socket.on("error", (err) => errors.push(`socket error: ${describe(err)}`));
  SCENARIOS[scenario](socket, mode);
}

main();
