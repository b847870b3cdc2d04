// The client track's Node side: socket.io-client 4.8 against a Socket.IO server's "echo" handler over WebSocket.
// Usage: node client-bench.mjs --port N --workload a|b1 --warmup MS --measure MS
// Prints "start" when the measured window opens and "end {json}" when it closes (Bench.LoadGen reads the server's
// CPU time at those lines): msg_per_s, p50_us, p99_us, client_cpu_us_per_msg, count.
import { io } from "socket.io-client";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const port = Number(arg("--port", "5000"));
const workload = arg("--workload", "a");
const warmup = Number(arg("--warmup", "1000"));
const measure = Number(arg("--measure", "3000"));
const payload = { id: 12345, user: "bench-user", text: "hello, world!", ok: true };

const socket = io(`http://127.0.0.1:${port}`, { transports: ["websocket"], reconnection: false });
await new Promise((resolve, reject) => {
  socket.once("connect", resolve);
  socket.once("connect_error", reject);
});

let measuring = false;
let stop = false;
const latencies = [];
async function loop() {
  while (!stop) {
    const start = process.hrtime.bigint();
    await socket.emitWithAck("echo", payload);
    if (measuring) {
      latencies.push(Number(process.hrtime.bigint() - start) / 1000);
    }
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const loops = Array.from({ length: workload === "a" ? 1 : 100 }, loop);
await sleep(warmup);
console.log("start");
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
measuring = true;
await sleep(measure);
measuring = false;
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
const count = latencies.length;
latencies.sort((x, y) => x - y);
const pct = (p) => latencies[Math.max(0, Math.min(count - 1, Math.ceil(p * count) - 1))];
console.log("end " + JSON.stringify({
  msg_per_s: count / seconds,
  p50_us: pct(0.5),
  p99_us: pct(0.99),
  client_cpu_us_per_msg: (cpu.user + cpu.system) / count,
  count,
}));
stop = true;
await Promise.all(loops);
socket.close();
process.exit(0);
