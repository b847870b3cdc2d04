// The stock socket.io-client's retry queue (`retries`, `ackTimeout`) across transport cuts, against the interop
// application (`ack-on-try`: the server counts the receipts of a key and acknowledges ("ok", count)).
// Usage: node sio-retries.mjs <baseUrl> <polling|websocket> <count> <cut,cut,...>
// Emits `count` events with acknowledgement callbacks through the retry queue; right after the acknowledgement of
// event i-1, for each i in the cut list, it closes the engine while event i is on its way (socket.io-client then
// reconnects and sends the queue's head again). What the client guarantees (socket.js _addToQueue/_drainQueue): one
// event in flight at a time, in order; each callback called once; an event sent again only when its try was cut
// or timed out, so the server may see it twice (at least once, not exactly once).
// stdout: one JSON line {"ok", "acks":[{"i","calls","err","reply","count"}], "order":[i...], "connects", "disconnects",
// "errors"}; a 30 s watchdog ends it.
import { io } from "socket.io-client";

const [baseUrl, transport, countArg, cutsArg] = process.argv.slice(2);
const count = Number(countArg);
const cuts = new Set((cutsArg ?? "").split(",").filter((s) => s).map(Number));
const run = Math.random().toString(36).slice(2);
const errors = [];
const acks = Array.from({ length: count }, (_, i) => ({ i, calls: 0, err: null, reply: null, count: null }));
const order = [];
let connects = 0;
const disconnects = [];

const finish = () => {
  const ok = errors.length === 0;
  process.stdout.write(JSON.stringify({ ok, acks, order, connects, disconnects, errors }) + "\n");
  process.exit(ok ? 0 : 1);
};
setTimeout(() => { errors.push("watchdog: 30 s"); finish(); }, 30_000).unref();

const socket = io(baseUrl, {
  transports: [transport],
  retries: 3,
  // Long enough that a loaded machine never times a try out: only the cuts cause a second try.
  ackTimeout: 10_000,
  reconnectionDelay: 50,
  reconnectionDelayMax: 200,
});
socket.on("connect", () => { connects++; });
socket.on("disconnect", (reason) => { disconnects.push(reason); });
socket.on("connect_error", (e) => errors.push(`connect_error: ${e.message}`));

let acked = 0;
for (let i = 0; i < count; i++) {
  socket.emit("ack-on-try", `${run}-${i}`, 1, (err, reply, n) => {
    const a = acks[i];
    a.calls++;
    a.err = err ? String(err.message ?? err) : null;
    a.reply = reply ?? null;
    a.count = n ?? null;
    order.push(i);
    if (cuts.has(i + 1)) {
      // The queue sends event i+1 right after this callback returns: cut the transport once it is on its way.
      queueMicrotask(() => socket.io.engine.close());
    }
    if (++acked === count) {
      // Late duplicates of a callback would show up here; a short grace before reporting.
      setTimeout(() => { socket.disconnect(); finish(); }, 200);
    }
  });
}
