// Typed RPC failures as the official socket.io-client 4.8.4 sees them (Typed.Interop.Tests/Rpc/RpcHub.cs on /rpc):
// each call is made with emitWithAck under a 5 s timeout and its first ack argument is recorded with the time it
// took, so the test can check that error acks arrive at once rather than at the timeout. Then a connection whose
// auth says "deny" (the hub's OnConnectedAsync throws) must get connect_error, never connect.
//
//   node sio-rpc.mjs <baseUrl> <json|msgpack>
//
// stdout: one JSON line {"ok", "calls": [{"name", "args", "result", "ms"}], "denied": {...}, "errors"}.

import { createRequire } from "node:module";
import { io } from "socket.io-client";

const require = createRequire(import.meta.url);
const [baseUrl, parserName] = process.argv.slice(2);
const errors = [];
setTimeout(() => finish("watchdog: the run took more than 30 s"), 30_000).unref();

const sockets = [];
const result = {};
function finish(error) {
  if (error) errors.push(error);
  for (const s of sockets) s.disconnect();
  const ok = errors.length === 0;
  process.stdout.write(JSON.stringify({ ok, ...result, errors }) + "\n", () => setTimeout(() => process.exit(ok ? 0 : 1), 200));
}

function options(auth) {
  const o = { transports: ["websocket"], reconnection: false, forceNew: true, auth };
  if (parserName === "msgpack") o.parser = require("socket.io-msgpack-parser");
  return o;
}

try {
  const socket = io(baseUrl + "/rpc", options({}));
  sockets.push(socket);
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });

  const calls = [
    ["double", [21]],
    ["double", ["21"]],          // string for int
    ["double", [null]],          // null for int
    ["double", [2147483648]],    // 2^31
    ["double", [1.5]],           // fraction for int
    ["double", [{ n: 1 }]],      // object for number
    ["double", []],              // missing
    ["double", [4, "extra"]],    // extra arguments are ignored
    ["greet", [null]],           // null for a non-nullable string
    ["note", [null]],            // null for string?
    ["note", []],                // missing string?
    ["fail", ["boom"]],          // the handler throws
    ["place", [{ item: "tea", quantity: 2 }]],
    ["place", [{ item: "tea" }]],  // a required member missing
    ["noSuchEvent", [1]],        // unknown event
  ];
  result.calls = [];
  for (const [name, args] of calls) {
    const started = performance.now();
    let value;
    try {
      value = await socket.timeout(5000).emitWithAck(name, ...args);
    } catch (e) {
      value = { timeout: String(e.message) };
    }
    result.calls.push({ name, args, result: value ?? null, ms: Math.round(performance.now() - started) });
  }

  // Refused by OnConnectedAsync: connect_error, and never connected.
  const denied = io(baseUrl + "/rpc", options({ deny: true }));
  sockets.push(denied);
  result.denied = await new Promise((resolve) => {
    denied.once("connect", () => resolve({ connected: true }));
    denied.once("connect_error", (err) => resolve({ connected: false, message: err.message, active: denied.active }));
    setTimeout(() => resolve({ timeout: true }), 5000);
  });
  finish();
} catch (e) {
  finish(String(e?.stack ?? e));
}
