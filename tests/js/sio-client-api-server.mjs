// A socket.io 4.8.4 server for the .NET client's socket.io-client API tests
// (tests/Typed.Interop.Tests/Client): the receive buffer, the Engine.IO per-packet events, the ping event and
// SocketIOClient.ConnectAsync.
//
// Usage: node sio-client-api-server.mjs [port] [--ping-timeout ms]   (port 0 or omitted = random)
//        --ping-timeout replaces the 200 ms pong deadline (tests not about the heartbeat).
// stdout: exactly one line, `listening <port>`, once the server accepts connections.
// stderr: `EVENT <json>` lines (below); any other line is a free-form diagnostic.
//
// - Every Engine.IO session logs `engine-open` and `engine-close`, and each packet it receives
//   (`{"type":"eio-in","ptype","length","binary"}`, engine.io's `packet` event) or queues (`eio-out`, `packetCreate`);
//   `length` is the data's size in bytes (UTF-8 for text, raw bytes for binary). Pings every 300 ms.
// - `/`: `echo` (any arguments) is answered with `echo-back` and the same arguments; `release` lets in the sockets of
//   this Engine.IO session that `/early`'s middleware holds; `kill` closes the Engine.IO session.
// - `/early`: its middleware emits `early` 1, then `early` 2 with an acknowledgement (logged as `early-acked`),
//   before the socket is connected (so before the CONNECT reply: what socket.io-client's receiveBuffer holds); then
//   logs `early-held`, tells the session's `/` socket (`early-sent`, sent after the two events on the same
//   connection) and waits for `release`. Once connected the socket is sent `hello`.

import { createServer } from "node:http";
import { Server } from "socket.io";

const [portArgument = "0", ...options] = process.argv.slice(2);
const port = Number(portArgument);
let pingTimeout = 200;
for (let i = 0; i < options.length; i++) {
  if (options[i] === "--ping-timeout" && Number.isInteger(Number(options[i + 1])) && Number(options[i + 1]) > 0) {
    pingTimeout = Number(options[++i]);
  } else {
    process.stderr.write(`usage: node sio-client-api-server.mjs [port] [--ping-timeout ms]; unexpected: ${options[i]}\n`);
    process.exit(2);
  }
}
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`invalid port: ${portArgument}\n`);
  process.exit(2);
}
const event = (fields) => process.stderr.write(`EVENT ${JSON.stringify(fields)}\n`);
const sizeOf = (data) =>
  data === undefined || data === null ? 0 : typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;

const httpServer = createServer((req, res) => res.writeHead(404).end());
// connectTimeout 60 s: a socket /early holds is never closed by the server within a test's wait, only by its client.
const io = new Server(httpServer, { pingInterval: 300, pingTimeout, connectTimeout: 60000, cors: { origin: "*" } });

io.engine.on("connection", (conn) => {
  event({ type: "engine-open", eid: conn.id, transport: conn.transport.name });
  conn.on("packet", (p) => event({ type: "eio-in", ptype: p.type, length: sizeOf(p.data), binary: typeof p.data === "object" && p.data !== null }));
  conn.on("packetCreate", (p) => event({ type: "eio-out", ptype: p.type, length: sizeOf(p.data), binary: typeof p.data === "object" && p.data !== null }));
  conn.on("close", (reason) => event({ type: "engine-close", eid: conn.id, reason }));
});

// Engine.IO session id -> the `next` of the `/early` sockets waiting for `release`.
const held = new Map();

io.of("/").on("connection", (socket) => {
  socket.on("echo", (...args) => socket.emit("echo-back", ...args));
  socket.on("kill", () => socket.conn.close());
  socket.on("release", () => {
    for (const next of held.get(socket.conn.id) ?? []) next();
    held.delete(socket.conn.id);
  });
});

const early = io.of("/early");
early.use((socket, next) => {
  socket.emit("early", 1);
  socket.emit("early", 2, (answer) => event({ type: "early-acked", answer }));
  event({ type: "early-held", eid: socket.conn.id });
  held.set(socket.conn.id, [...(held.get(socket.conn.id) ?? []), next]);
  for (const main of io.of("/").sockets.values()) {
    if (main.conn.id === socket.conn.id) main.emit("early-sent");
  }
});
early.on("connection", (socket) => socket.emit("hello"));

httpServer.listen(port, "127.0.0.1", () => console.log(`listening ${httpServer.address().port}`));
