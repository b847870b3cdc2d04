// Reference Engine.IO server built on the official `engine.io` package.
//
// It behaves exactly like the server the interop tests expect from Typed:
// every message is echoed back (text as text, binary as binary), and the text
// message `close-me` makes the server close the session instead of echoing.
// The C# tests run it to prove eio-interop.mjs itself is correct and to compare
// Typed's observable behaviour with the reference implementation.
//
// Usage: node eio-reference-server.mjs [port]      (port 0 or omitted = random)
// stdout: exactly one line, `listening <port>`, once the server accepts connections.
// stderr: one line per session event (open/upgrade/close), for diagnostics only.

import { createServer } from "node:http";
import { attach } from "engine.io";

const requestedPort = Number(process.argv[2] ?? 0);
if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
  console.error(`invalid port: ${process.argv[2]}`);
  process.exit(2);
}

// Requests outside the Engine.IO path get a 404 instead of hanging forever.
const httpServer = createServer((req, res) => {
  res.writeHead(404).end();
});

// Short heartbeat so ping/pong traffic actually happens during the (short)
// test runs; maxHttpBufferSize is the default, spelled out because the tests
// rely on it (the 100 KB echo must fit, and it is advertised as maxPayload).
const engine = attach(httpServer, {
  path: "/engine.io/",
  pingInterval: 300,
  pingTimeout: 200,
  maxHttpBufferSize: 1e6,
});

engine.on("connection", (socket) => {
  console.error(`open ${socket.id} ${socket.transport.name}`);
  socket.on("upgrade", (transport) => console.error(`upgrade ${socket.id} ${transport.name}`));
  socket.on("close", (reason) => console.error(`close ${socket.id} ${reason}`));
  socket.on("message", (data) => {
    if (data === "close-me") {
      socket.close();
    } else {
      // Binary arrives as a Buffer and is sent back as binary; strings stay strings.
      socket.send(data);
    }
  });
});

httpServer.listen(requestedPort, "127.0.0.1", () => {
  console.log(`listening ${httpServer.address().port}`);
});
