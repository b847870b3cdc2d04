// Reference Socket.IO server built on the official `socket.io` 4.8.4 package.
//
// It implements the INTEROP APP described in README.md, which is the contract
// Typed's own interop server implements too. The C# tests run it to prove
// sio-interop.mjs itself is correct and to compare Typed's observable
// behaviour (client side and server side) with the reference implementation.
//
// Usage: node sio-reference-server.mjs [port] [--parser json|msgpack] [--recovery [--recovery-window ms]] [--ping-timeout ms]
//        --ping-timeout replaces the conformance suites' 200 ms pong deadline (tests not about the heartbeat).
//        --recovery turns connection state recovery on (skipMiddlewares: true), --recovery-window sets
//        maxDisconnectionDuration (default 120000 ms), as in docs/protocol/cluster-app.md.
//        (port 0 or omitted = random; the parser defaults to json)
// stdout: exactly one line, `listening <port>`, once the server accepts connections.
// stderr: one line per server-side observation, `EVENT <json>` (see README.md);
//         any other stderr line is a free-form diagnostic.

import { createServer } from "node:http";
import { createRequire } from "node:module";
import { Server } from "socket.io";

const require = createRequire(import.meta.url);

function usage(message) {
  console.error(`${message}\nusage: node sio-reference-server.mjs [port] [--parser json|msgpack]`);
  process.exit(2);
}

// --- arguments ----------------------------------------------------------------

let requestedPort = 0;
let parserName = "json";
let recovery = false;
let recoveryWindow = 120000;
let pingTimeout = 200;
{
  const args = process.argv.slice(2);
  let portSeen = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--recovery") {
      recovery = true;
    } else if (args[i] === "--recovery-window") {
      recoveryWindow = Number(args[++i]);
      if (!Number.isInteger(recoveryWindow) || recoveryWindow <= 0) usage(`invalid recovery window: ${args[i]}`);
    } else if (args[i] === "--ping-timeout") {
      pingTimeout = Number(args[++i]);
      if (!Number.isInteger(pingTimeout) || pingTimeout <= 0) usage(`invalid ping timeout: ${args[i]}`);
    } else if (args[i] === "--parser") {
      parserName = args[++i];
      if (parserName !== "json" && parserName !== "msgpack") usage(`invalid parser: ${parserName}`);
    } else if (!portSeen) {
      requestedPort = Number(args[i]);
      portSeen = true;
      if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
        usage(`invalid port: ${args[i]}`);
      }
    } else {
      usage(`unexpected argument: ${args[i]}`);
    }
  }
}

// --- observations -------------------------------------------------------------

// stderr is a pipe or a file, so writes are synchronous on Linux: the lines keep
// their order and none is lost when the process is killed.
function event(fields) {
  process.stderr.write(`EVENT ${JSON.stringify(fields)}\n`);
}

const labelOf = (socket) => socket.handshake.auth?.label ?? null;

// --- server -------------------------------------------------------------------

// Requests outside the Socket.IO path get a 404 instead of hanging forever.
const httpServer = createServer((req, res) => {
  res.writeHead(404).end();
});

const io = new Server(httpServer, {
  path: "/socket.io/",
  pingInterval: 300,
  pingTimeout,
  connectTimeout: 1000,
  maxHttpBufferSize: 1e6,
  cors: { origin: "*" },
  ...(recovery ? { connectionStateRecovery: { maxDisconnectionDuration: recoveryWindow, skipMiddlewares: true } } : {}),
  ...(parserName === "msgpack" ? { parser: require("socket.io-msgpack-parser") } : {}),
});

io.engine.on("connection", (conn) => {
  event({ type: "engine-open", eid: conn.id, transport: conn.transport.name });
  conn.on("upgrade", (transport) => event({ type: "engine-upgrade", eid: conn.id, transport: transport.name }));
  conn.on("close", (reason) => event({ type: "engine-close", eid: conn.id, reason }));
});
io.engine.on("connection_error", (err) => {
  event({ type: "engine-error", code: err.code, message: err.message });
});

// The application namespaces: `/` and `/custom` behave identically. "io" in the
// README's contract means the namespace the socket belongs to.
function attachApp(nsp) {
  nsp.on("connection", (socket) => {
    const label = labelOf(socket);
    const base = { nsp: nsp.name, label };
    event({
      type: "connect",
      ...base,
      sid: socket.id,
      eid: socket.conn.id,
      transport: socket.conn.transport.name,
      auth: socket.handshake.auth,
    });
    socket.on("disconnect", (reason) => event({ type: "disconnect", ...base, sid: socket.id, reason }));
    // Every incoming event, before its handler runs (name and argument count only).
    socket.onAny((name, ...args) => {
      const withAck = typeof args[args.length - 1] === "function";
      event({ type: "event", ...base, name, argc: args.length - (withAck ? 1 : 0), ack: withAck });
    });

    socket.emit("auth", socket.handshake.auth);

    socket.on("whoami", (ack) => {
      if (typeof ack === "function") {
        ack({ member: String(httpServer.address().port), id: socket.id, recovered: socket.recovered, rooms: [...socket.rooms].sort() });
      }
    });

    socket.on("message", (...args) => {
      socket.emit("message-back", ...args);
    });

    // A stream by hand (docs/streaming.md): min(count, credit) items, then the end.
    socket.on("count-stream", (count, request, ack) => {
      ack({ $stream: request.$stream });
      for (let i = 0; i < Math.min(count, request.credit); i++) socket.emit("$stream", request.$stream, i);
      socket.emit("$stream-end", request.$stream);
    });

    // An upload by hand (docs/streaming.md): [{"$stream":id}] with an ack; 4 credits, one more per item taken; the
    // items are {number}; the ack is their sum (or the uploader's {$error}).
    socket.on("sum-upload", (request, ack) => {
      const id = request.$stream;
      let sum = 0;
      const onItem = (sid, item) => {
        if (sid !== id) return;
        sum += item.number;
        socket.emit("$stream-ack", id, 1);
      };
      const onEnd = (sid, error) => {
        if (sid !== id) return;
        socket.off("$stream", onItem);
        socket.off("$stream-end", onEnd);
        ack(error ?? sum);
      };
      socket.on("$stream", onItem);
      socket.on("$stream-end", onEnd);
      socket.emit("$stream-ack", id, 4);
    });

    socket.on("message-with-ack", (...args) => {
      const ack = args.pop();
      if (typeof ack === "function") ack(...args);
    });

    socket.on("request-question", () => {
      socket.timeout(2000).emit("question", 42, (err, answer) => {
        event({ type: "question-answered", ...base, timedOut: Boolean(err), answer: err ? null : answer });
        socket.emit("question-answered", err ? "timeout" : answer);
      });
    });

    socket.on("binary", (...args) => {
      socket.emit("binary-back", ...args);
    });

    socket.on("binary-ack", (buf, ack) => {
      if (typeof ack === "function") ack(buf, "ok");
    });

    socket.on("join", (rooms, ack) => {
      socket.join(rooms);
      event({ type: "join", ...base, rooms });
      if (typeof ack === "function") ack("joined");
    });

    socket.on("broadcast-except", ({ room, except, payload } = {}, ack) => {
      nsp.to(room).except(except).emit("room-message", payload);
      if (typeof ack === "function") ack("sent");
    });

    socket.on("broadcast-others", (payload) => {
      socket.broadcast.emit("others", payload);
    });

    socket.on("broadcast-with-ack", (arg, ack) => {
      nsp.timeout(1000).emit("ping-all", arg, (err, responses) => {
        const sorted = [...responses].sort();
        event({ type: "broadcast-ack", ...base, timedOut: Boolean(err), responses: sorted });
        if (typeof ack === "function") ack(err ? { timedOut: true, responses: sorted } : sorted);
      });
    });

    socket.on("disconnect-me", () => socket.disconnect());
    socket.on("disconnect-me-fully", () => socket.disconnect(true));
    socket.on("kill-transport", () => socket.conn.close());

    socket.on("ack-on-try", (key, n, ack) => {
      const count = (tryCounts.get(key) ?? 0) + 1;
      tryCounts.set(key, count);
      if (count >= n && typeof ack === "function") ack("ok", count);
    });
  });
}

const tryCounts = new Map();

attachApp(io.of("/"));
attachApp(io.of("/custom"));

// `/secure` rejects every connection in its middleware.
io.of("/secure").use((socket, next) => {
  event({ type: "middleware-reject", nsp: "/secure", label: labelOf(socket) });
  const err = new Error("not authorized");
  err.data = { content: "Please retry later" };
  next(err);
});

// `/chat` speaks the typed chat contract of tests/Typed.Interop.Tests/Typed/ChatContracts.cs (camelCase event
// names), as ChatHub does on our server: the typed .NET client is checked against Node with it.
const chat = io.of("/chat");
chat.on("connection", (socket) => {
  socket.on("sendMessage", (room, text) => {
    chat.to(room).except(socket.id).emit("messageReceived", { from: socket.id, text });
  });
  socket.on("join", (room, ack) => {
    socket.join(room);
    ack({ room, members: chat.adapter.rooms.get(room)?.size ?? 0 });
  });
  socket.on("add", (a, b, echo, ack) => ack(a + b, echo));
  socket.on("upload file", (name, data, ack) => ack(data.length));
  socket.on("listRooms", (ack) => ack([...socket.rooms].sort()));
  socket.on("askClient", async (question, ack) => {
    const answer = await socket.timeout(3000).emitWithAck("confirm", question);
    await chat.timeout(3000).emitWithAck("confirm", `all? ${question}`);
    socket.emit("fileReceived", "f.bin", Buffer.from([1, 2, 3]));
    ack(answer);
  });
  socket.on("shout", (message) => socket.broadcast.emit("messageReceived", message));
});

httpServer.listen(requestedPort, "127.0.0.1", () => {
  console.log(`listening ${httpServer.address().port}`);
});
