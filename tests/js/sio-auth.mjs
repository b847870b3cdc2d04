// Authorization as the official socket.io-client 4.8.4 sees it (Typed.Interop.Tests/Authorization: SecureHub on
// /secure is [Authorize], OpenHub on /open has [Authorize(Roles = "admin")] on adminOnly). One Manager without a
// token: /secure must get connect_error with the server's message while /open, on the same Engine.IO connection,
// connects and gets the unauthorized error ack for adminOnly. Then a Manager whose query token is an admin gets the
// result.
//
//   node sio-auth.mjs <baseUrl> <json|msgpack> <polling|websocket>
//
// stdout: one JSON line {"ok", "refused", "sameConnection", "anonymousAck", "adminAck", "errors"}.

import { createRequire } from "node:module";
import { Manager } from "socket.io-client";

const require = createRequire(import.meta.url);
const [baseUrl, parserName, transport] = process.argv.slice(2);
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

function manager(query) {
  const o = { transports: [transport], reconnection: false, query };
  if (parserName === "msgpack") o.parser = require("socket.io-msgpack-parser");
  return new Manager(baseUrl, o);
}

function connect(socket) {
  sockets.push(socket);
  return new Promise((resolve) => {
    socket.once("connect", () => resolve({ connected: true }));
    socket.once("connect_error", (err) => resolve({ connected: false, message: err.message, active: socket.active }));
    setTimeout(() => resolve({ timeout: true }), 5000);
  });
}

try {
  const anonymous = manager({});
  const open = anonymous.socket("/open");
  const opened = await connect(open);
  if (!opened.connected) throw new Error("/open did not connect: " + JSON.stringify(opened));
  const engineId = anonymous.engine.id;

  result.refused = await connect(anonymous.socket("/secure"));
  result.anonymousAck = await open.timeout(5000).emitWithAck("adminOnly");
  result.sameConnection = anonymous.engine.id === engineId && anonymous.engine.readyState === "open";

  const admin = manager({ token: "alice:admin" }).socket("/open");
  const adminConnected = await connect(admin);
  if (!adminConnected.connected) throw new Error("admin did not connect: " + JSON.stringify(adminConnected));
  result.adminAck = await admin.timeout(5000).emitWithAck("adminOnly");
  finish();
} catch (e) {
  finish(String(e?.stack ?? e));
}
