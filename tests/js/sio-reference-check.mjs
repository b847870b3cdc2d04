// Runs the whole sio-interop.mjs matrix (every scenario × mode × parser) against
// sio-reference-server.mjs and checks the server-side EVENT lines too. It proves
// the harness and the reference agree, and prints the observed reasons.
//
// Usage: node sio-reference-check.mjs [rounds]        (default 1)
// stdout: one line per run, then a summary; exit code 0 iff every run passed.
// Runs are serial: the broadcast scenarios need to be alone on the server.

import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const rounds = Number(process.argv[2] ?? 1);
const SCENARIOS = [
  "connect-auth",
  "middleware-reject",
  "unknown-namespace",
  "events",
  "acks",
  "binary",
  "rooms",
  "broadcast-ack",
  "disconnect-reasons",
];
const MODES = ["polling", "websocket", "upgrade"];
const PARSERS = ["json", "msgpack"];
const RUN_TIMEOUT_MS = 30_000;
// After the client exits, time for the server to log the last disconnects.
const SETTLE_MS = 300;
const CND = "client namespace disconnect";

// Server-side disconnect reasons per "<nsp>|<label>", in order; any socket not
// listed must leave exactly once per connect with "client namespace disconnect".
const EXPECTED_SERVER_REASONS = {
  "disconnect-reasons": {
    "/|A": [CND],
    "/|B": ["server namespace disconnect"],
    "/|C": ["server namespace disconnect"], // socket.disconnect(true): see README
    "/|D": ["forced close", CND], // socket.conn.close(), then the reconnected socket's clean-up
  },
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function startServer(parser) {
  const child = spawn(process.execPath, [join(here, "sio-reference-server.mjs"), "0", "--parser", parser], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const events = [];
  let buffered = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    buffered += chunk;
    let nl;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line.startsWith("EVENT ")) events.push(JSON.parse(line.slice(6)));
      else if (line.trim()) process.stderr.write(`[server] ${line}\n`);
    }
  });
  child.stdout.setEncoding("utf8");
  let out = "";
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("server did not start")), 5000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = /listening (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  return { child, port, events };
}

async function runClient(url, mode, parser, scenario) {
  const started = Date.now();
  const child = spawn(process.execPath, [join(here, "sio-interop.mjs"), url, mode, parser, scenario], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr += c));
  const timer = setTimeout(() => child.kill("SIGKILL"), RUN_TIMEOUT_MS);
  const [code] = await once(child, "exit");
  clearTimeout(timer);
  const wallMs = Date.now() - started;
  let json = null;
  try {
    json = JSON.parse(stdout.trim().split("\n").pop());
  } catch {
    // reported by the caller
  }
  return { code, wallMs, json, stdout, stderr };
}

// Server-side checks on the EVENT lines of one run.
function checkServer(scenario, events) {
  const errors = [];
  const connects = {};
  const reasons = {};
  for (const e of events) {
    const key = `${e.nsp}|${e.label}`;
    if (e.type === "connect") connects[key] = (connects[key] ?? 0) + 1;
    if (e.type === "disconnect") (reasons[key] ??= []).push(e.reason);
  }
  const overrides = EXPECTED_SERVER_REASONS[scenario] ?? {};
  for (const key of new Set([...Object.keys(connects), ...Object.keys(overrides)])) {
    const expected = overrides[key] ?? Array(connects[key] ?? 0).fill(CND);
    const got = reasons[key] ?? [];
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      errors.push(`server disconnect reasons for ${key}: ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
    }
  }
  for (const key of Object.keys(reasons)) {
    if (!(key in connects)) errors.push(`server disconnect for ${key} that never connected`);
  }
  const of = (type) => events.filter((e) => e.type === type);
  if (scenario === "connect-auth") {
    const auths = Object.fromEntries(of("connect").map((e) => [`${e.nsp}|${e.label}`, JSON.stringify(e.auth)]));
    const want = { "/|A": '{"token":"abc","label":"A"}', "/custom|A": '{"token":"xyz","label":"A"}', "/|null": "{}" };
    if (JSON.stringify(auths) !== JSON.stringify(want)) errors.push(`server handshake auths ${JSON.stringify(auths)}`);
  }
  if (scenario === "middleware-reject") {
    const r = of("middleware-reject");
    if (r.length !== 1 || r[0].label !== "A") errors.push(`middleware-reject events ${JSON.stringify(r)}`);
  }
  if (scenario === "acks") {
    const q = of("question-answered").map(({ timedOut, answer }) => ({ timedOut, answer }));
    if (JSON.stringify(q) !== '[{"timedOut":false,"answer":"answer-42"}]') errors.push(`question-answered ${JSON.stringify(q)}`);
  }
  if (scenario === "broadcast-ack") {
    const b = of("broadcast-ack").map(({ timedOut, responses }) => ({ timedOut, responses }));
    const want = '[{"timedOut":false,"responses":["A","B","C"]},{"timedOut":true,"responses":["A","B"]}]';
    if (JSON.stringify(b) !== want) errors.push(`broadcast-ack ${JSON.stringify(b)}`);
  }
  // Engine.IO close reasons per client label (an engine is named by its sockets' labels).
  const labelsByEid = {};
  for (const e of of("connect")) (labelsByEid[e.eid] ??= new Set()).add(String(e.label));
  const engineCloses = {};
  for (const e of of("engine-close")) {
    const who = labelsByEid[e.eid] ? [...labelsByEid[e.eid]].join("+") : "?";
    (engineCloses[who] ??= []).push(e.reason);
  }
  return { errors, reasons, engineCloses };
}

async function main() {
  const rows = [];
  for (let round = 1; round <= rounds; round++) {
    for (const parser of PARSERS) {
      const server = await startServer(parser);
      const url = `http://127.0.0.1:${server.port}`;
      for (const scenario of SCENARIOS) {
        for (const mode of MODES) {
          const from = server.events.length;
          const run = await runClient(url, mode, parser, scenario);
          await sleep(SETTLE_MS);
          const srv = checkServer(scenario, server.events.slice(from));
          const clientOk = run.code === 0 && run.json?.ok === true;
          const errors = [...(run.json?.errors ?? (run.json ? [] : [`no JSON on stdout: ${run.stdout}`])), ...srv.errors];
          const row = {
            round,
            parser,
            scenario,
            mode,
            ok: clientOk && srv.errors.length === 0,
            exit: run.code,
            wallMs: run.wallMs,
            scenarioMs: run.json?.ms ?? null,
            serverReasons: srv.reasons,
            serverEngineCloses: srv.engineCloses,
            errors,
          };
          if (scenario === "disconnect-reasons" && run.json?.cases) {
            row.clientReasons = Object.fromEntries(Object.entries(run.json.cases).map(([k, c]) => [k, c.disconnects]));
          }
          rows.push(row);
          console.log(JSON.stringify(row));
        }
      }
      server.child.kill();
      await once(server.child, "exit");
    }
  }
  const failed = rows.filter((r) => !r.ok);
  console.log(`SUMMARY ${rows.length - failed.length}/${rows.length} ok`);
  process.exit(failed.length ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
