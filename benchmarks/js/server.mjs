// The Node socket.io 4.8 server of the benchmarks, with the same handlers as benchmarks/Bench.Server (TypedApp.cs).
// Usage: node --expose-gc server.mjs --port N   (started by Bench.LoadGen pinned to core 0)
import { createServer } from "node:http";
import { Server } from "socket.io";

const portIndex = process.argv.indexOf("--port");
const port = portIndex > 0 ? Number(process.argv[portIndex + 1]) : 5000;
const payload = { id: 12345, user: "bench-user", text: "hello, world!", ok: true };

// Control endpoints shared with Bench.Server: /__bench/ping (ready) and /__bench/gc (full GC before a memory read).
const http = createServer((req, res) => {
  if (req.url === "/__bench/ping") {
    res.end("node");
  } else if (req.url === "/__bench/gc") {
    if (global.gc) {
      global.gc();
      global.gc();
    }
    res.end(String(process.memoryUsage().heapUsed));
  } else {
    res.statusCode = 404;
    res.end();
  }
});

const io = new Server(http); // defaults: both transports, pingInterval 25 s, no compression of WebSocket frames

// The cluster workload (BENCH_REDIS=host:port): @socket.io/redis-adapter 8.3.0 in classic mode over node-redis 4.7.1,
// taken from tests/js/node_modules (pinned there) so benchmarks/js keeps its own lockfile unchanged.
if (process.env.BENCH_REDIS) {
  const { createRequire } = await import("node:module");
  const require = createRequire(new URL("../../tests/js/package.json", import.meta.url));
  const { createAdapter } = require("@socket.io/redis-adapter");
  const { createClient } = require("redis");
  const pub = createClient({ url: `redis://${process.env.BENCH_REDIS}` });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub));
}

io.on("connection", (socket) => {
  let received = 0;
  socket.on("echo", (p, ack) => ack(p));
  socket.on("ff", () => { received++; });
  socket.on("barrier", (ack) => ack(received));
  socket.on("emits", (count, ack) => {
    for (let i = 0; i < count; i++) {
      socket.emit("data", payload);
    }
    ack(count);
  });
  socket.on("bcast", (p) => io.emit("b", p));
});

http.listen(port, "127.0.0.1", () => console.log(`ready node ${port}`));
