// A Node member of a Redis cluster: the interop application's cluster events (docs/protocol/cluster-app.md) on
// the official socket.io 4.8.4 with @socket.io/redis-adapter 8.3.0 over node-redis 4.7.1, the counterpart of
// samples/ConformanceServer started with --redis. The scenario script (cluster-scenario.mjs) drives Node-only,
// Typed-only and mixed clusters of these through the stock client and must see the same results.
//
// Usage: node cluster-member.mjs [port] --redis host:port [--redis-mode classic|sharded|streams] [--parser json|msgpack]
//        [--recovery [--recovery-window ms]]   (streams mode: @socket.io/redis-streams-adapter 0.3.1 on one client;
//        --recovery turns connection state recovery on, which only the streams adapter persists across servers)
// stdout: exactly one line, `listening <port>`, once Redis is connected and the server accepts connections.
// An unknown option or value exits with code 2.

import { createServer } from "node:http";
import { createRequire } from "node:module";
import { Server } from "socket.io";
import { createAdapter, createShardedAdapter } from "@socket.io/redis-adapter";
import { createAdapter as createStreamsAdapter } from "@socket.io/redis-streams-adapter";
import { createClient } from "redis";

const require = createRequire(import.meta.url);

function usage(message) {
  console.error(`${message}\nusage: node cluster-member.mjs [port] --redis host:port [--redis-mode classic|sharded|streams] [--parser json|msgpack] [--recovery [--recovery-window ms]]`);
  process.exit(2);
}

let requestedPort = 0;
let parserName = "json";
let redis = null;
let mode = "classic";
let recovery = false;
let recoveryWindow = 120000;
{
  const args = process.argv.slice(2);
  let portSeen = false;
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1];
    if (args[i] === "--parser" && (value === "json" || value === "msgpack")) { parserName = value; i++; }
    else if (args[i] === "--redis" && value) { redis = value; i++; }
    else if (args[i] === "--redis-mode" && (value === "classic" || value === "sharded" || value === "streams")) { mode = value; i++; }
    else if (args[i] === "--recovery") { recovery = true; }
    else if (args[i] === "--recovery-window" && /^\d+$/.test(value ?? "") && Number(value) > 0) { recoveryWindow = Number(value); i++; }
    else if (!portSeen && /^\d+$/.test(args[i]) && Number(args[i]) <= 65535) { requestedPort = Number(args[i]); portSeen = true; }
    else usage(`unknown option or invalid value: ${args[i]} ${value ?? ""}`);
  }
  if (!redis) usage("--redis is required");
}

const pub = createClient({ url: `redis://${redis}` });
const sub = pub.duplicate();
for (const client of [pub, sub]) client.on("error", (err) => console.error(`redis: ${err.message}`));
await Promise.all([pub.connect(), sub.connect()]);

const httpServer = createServer((req, res) => res.writeHead(404).end());
const io = new Server(httpServer, {
  path: "/socket.io/",
  // socket.io's default heartbeat, not the conformance app's 300/200 ms: cluster scenarios run on loaded CI machines
  // and are not about heartbeats (ConformanceServer does the same with --redis).
  pingInterval: 25000,
  pingTimeout: 20000,
  connectTimeout: 45000,
  maxHttpBufferSize: 1e6,
  cors: { origin: "*" },
  adapter: mode === "streams" ? createStreamsAdapter(pub) : mode === "sharded" ? createShardedAdapter(pub, sub) : createAdapter(pub, sub),
  ...(recovery ? { connectionStateRecovery: { maxDisconnectionDuration: recoveryWindow, skipMiddlewares: true } } : {}),
  ...(parserName === "msgpack" ? { parser: require("socket.io-msgpack-parser") } : {}),
});

let member = "0";

// `sel` = {room?, except?}: nsp.in(room) when room is a string, then .except(except) when except is a string.
function select(nsp, sel) {
  let op = nsp;
  if (typeof sel?.room === "string") op = op.in(sel.room);
  if (typeof sel?.except === "string") op = op.except(sel.except);
  return op;
}

const sortStrings = (values) => [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

function attach(nsp) {
  nsp.on("sse", (payload) => nsp.local.emit("sse-received", payload));
  nsp.on("sse-ack", (payload, callback) => callback(member));
  nsp.on("connection", (socket) => {
    const reply = (ack, value) => { if (typeof ack === "function") ack(value); };
    socket.on("whoami", (ack) => reply(ack, { member, id: socket.id, recovered: socket.recovered, rooms: sortStrings(socket.rooms) }));
    socket.on("message", (...args) => socket.emit("message-back", ...args));
    socket.on("join", (rooms, ack) => { socket.join(rooms); reply(ack, "joined"); });
    socket.on("broadcast-except", ({ room, except, payload } = {}, ack) => {
      nsp.to(room).except(except).emit("room-message", payload);
      reply(ack, "sent");
    });
    socket.on("broadcast-others", (payload) => socket.broadcast.emit("others", payload));
    socket.on("broadcast-with-ack", (arg, ack) => {
      nsp.timeout(1000).emit("ping-all", arg, (err, responses) => {
        const sorted = sortStrings(responses);
        reply(ack, err ? { timedOut: true, responses: sorted } : sorted);
      });
    });
    socket.on("kill-transport", () => socket.conn.close());
    socket.on("broadcast-all", (payload, ack) => { nsp.emit("all-message", payload); reply(ack, "sent"); });
    socket.on("broadcast-volatile", (payload, ack) => { nsp.volatile.emit("volatile-message", payload); reply(ack, "sent"); });
    socket.on("room-broadcast-with-ack", ({ room, arg, timeout } = {}, ack) => {
      nsp.to(room).timeout(timeout ?? 1000).emit("ping-all", arg, (err, responses) => {
        const sorted = sortStrings(responses);
        reply(ack, err ? { timedOut: true, responses: sorted } : sorted);
      });
    });
    socket.on("fetch-sockets", async (sel, ack) => {
      try {
        const sockets = await select(nsp, sel).fetchSockets();
        const list = sockets
          .map((s) => ({ id: s.id, label: s.handshake.auth?.label ?? null, rooms: sortStrings(s.rooms) }))
          .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        reply(ack, list);
      } catch (err) {
        reply(ack, { error: err.message });
      }
    });
    socket.on("sockets-join", (sel, ack) => { select(nsp, sel).socketsJoin(sel?.rooms ?? []); reply(ack, "done"); });
    socket.on("sockets-leave", (sel, ack) => { select(nsp, sel).socketsLeave(sel?.rooms ?? []); reply(ack, "done"); });
    socket.on("disconnect-sockets", (sel, ack) => { reply(ack, "done"); select(nsp, sel).disconnectSockets(Boolean(sel?.close)); });
    socket.on("server-side-emit", (payload, ack) => { nsp.serverSideEmit("sse", payload); reply(ack, "sent"); });
    socket.on("server-side-emit-ack", (payload, ack) => {
      nsp.serverSideEmit("sse-ack", payload, (err, responses) => reply(ack, { timedOut: Boolean(err), responses: sortStrings(responses ?? []) }));
    });
  });
}

attach(io.of("/"));
attach(io.of("/custom"));

httpServer.listen(requestedPort, "127.0.0.1", () => {
  member = String(httpServer.address().port);
  console.log(`listening ${member}`);
});
