// One scenario for a cluster of three members on one Redis (Node-only, Typed-only or mixed: the script cannot tell),
// driven through the stock socket.io-client 4.8.4: every cross-server operation of CLUSTER-APP.md, from a client of
// each member, so each direction (Node → Typed, Typed → Node, Typed → Typed) is exercised in a mixed cluster.
//
// Usage: node cluster-scenario.mjs <json|msgpack> <url A> <url B> <url C> [scenario] [redis host:port]
//   scenario: all (default) | broadcast (only broadcast-all, used around a Redis restart) | survivors (C is dead:
//   fetchSockets and acks from A and B must finish, not hang)
//   redis: given in sharded mode, so the scenario can wait for room channel subscriptions (roomSubscribed below)
// stdout: one JSON object {ok, errors, results}.

import { createRequire } from "node:module";
import { io } from "socket.io-client";
import { createClient } from "redis";

const require = createRequire(import.meta.url);
const [parserName, urlA, urlB, urlC, scenario = "all", shardedRedis] = process.argv.slice(2);
const parser = parserName === "msgpack" ? require("socket.io-msgpack-parser") : undefined;
const errors = [];
const results = {};
const TIMEOUT = 10000;

function connect(url, label, nsp = "/") {
  const socket = io(url + nsp, { transports: ["websocket"], auth: { label }, reconnection: false, forceNew: true, ...(parser ? { parser } : {}) });
  socket.label = label;
  socket.received = [];
  socket.onAny((event, ...args) => socket.received.push({ event, args }));
  socket.on("ping-all", (arg, ack) => ack(label));
  socket.on("disconnect", (reason) => { if (!socket.expectDisconnect) errors.push(`${label}: disconnected (${reason})`); });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label}: connect timeout`)), TIMEOUT);
    socket.on("connect", () => { clearTimeout(timer); resolve(socket); });
    socket.on("connect_error", (err) => { clearTimeout(timer); reject(new Error(`${label}: ${err.message} ${err.description?.message ?? ""}`)); });
  });
}

// Sharded mode (subscriptionMode "dynamic", Node's and Typed's default): a member subscribes to a room's channel when
// its first socket joins the room, without waiting, and a room broadcast goes to that channel; one sent before the
// subscription is in place misses the member. So after joins, wait until `members` servers have subscribed.
async function roomSubscribed(room, members) {
  if (!shardedRedis) return;
  const client = createClient({ url: `redis://${shardedRedis}` });
  client.on("error", () => {});
  await client.connect();
  try {
    const deadline = Date.now() + TIMEOUT;
    for (;;) {
      const [, count] = await client.sendCommand(["PUBSUB", "SHARDNUMSUB", `socket.io#/#${room}#`]);
      if (Number(count) >= members) return;
      if (Date.now() > deadline) throw new Error(`room ${room}: ${count} of ${members} members subscribed to its channel within ${TIMEOUT} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await client.quit();
  }
}

const call = (socket, event, ...args) => socket.timeout(TIMEOUT + 2000).emitWithAck(event, ...args);

// Resolves once `socket` has received `count` events named `event` (counting those already received).
function received(socket, event, count = 1) {
  return new Promise((resolve, reject) => {
    const check = () => socket.received.filter((r) => r.event === event).length >= count;
    if (check()) return resolve();
    const timer = setTimeout(() => { socket.offAny(listener); reject(new Error(`${socket.label}: no ${count}× ${event} within ${TIMEOUT} ms`)); }, TIMEOUT);
    const listener = () => { if (check()) { clearTimeout(timer); socket.offAny(listener); resolve(); } };
    socket.onAny(listener);
  });
}

function expectEqual(name, actual, expected) {
  results[name] = actual;
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    errors.push(`${name}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

async function step(name, body) {
  try { await body(); } catch (err) { errors.push(`${name}: ${err.message}`); }
}

const payloadsOf = (socket, event) => socket.received.filter((r) => r.event === event).map((r) => r.args[0]);
const sorted = (values) => [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

const sockets = [];
try {
  const a1 = await connect(urlA, "a1");
  const a2 = await connect(urlA, "a2");
  const b1 = await connect(urlB, "b1");
  // In "survivors", member C does not answer at all: nothing connects to it.
  const c1 = scenario === "survivors" ? null : await connect(urlC, "c1");
  sockets.push(a1, a2, b1, ...(c1 ? [c1] : []));
  const all = [...sockets];
  const who = {};
  for (const s of sockets) who[s.label] = await call(s, "whoami");
  const members = { A: who.a1.member, B: who.b1.member, C: who.c1?.member };

  if (scenario === "broadcast") {
    for (const [i, sender] of [a1, b1, c1].entries()) {
      await step(`broadcast-all from ${sender.label}`, async () => {
        expectEqual(`broadcast-all ack ${sender.label}`, await call(sender, "broadcast-all", `b${i}`), "sent");
        await Promise.all(all.map((s) => received(s, "all-message", i + 1)));
      });
    }
    for (const s of all) expectEqual(`all-message at ${s.label}`, payloadsOf(s, "all-message"), ["b0", "b1", "b2"]);
  } else if (scenario === "survivors") {
    // C's server is dead (its client c1 is gone): requests must complete within the request timeout.
    for (const sender of [a1, b1]) {
      await step(`fetch-sockets from ${sender.label}`, async () => {
        const list = await call(sender, "fetch-sockets", {});
        results[`fetch-sockets from ${sender.label}`] = list;
        if (!Array.isArray(list) && typeof list?.error !== "string") errors.push(`fetch-sockets from ${sender.label}: ${JSON.stringify(list)}`);
      });
      await step(`server-side-emit-ack from ${sender.label}`, async () => {
        const answer = await call(sender, "server-side-emit-ack", "x");
        results[`server-side-emit-ack from ${sender.label}`] = answer;
        const others = sender === a1 ? [members.B] : [members.A];
        if (!others.every((m) => answer.responses.includes(m))) errors.push(`server-side-emit-ack from ${sender.label}: ${JSON.stringify(answer)}`);
      });
      await step(`broadcast-with-ack from ${sender.label}`, async () => {
        const answer = await call(sender, "broadcast-with-ack", "x");
        const labels = Array.isArray(answer) ? answer : answer.responses;
        results[`broadcast-with-ack from ${sender.label}`] = answer;
        if (JSON.stringify(labels) !== JSON.stringify(["a1", "a2", "b1"])) errors.push(`broadcast-with-ack from ${sender.label}: ${JSON.stringify(answer)}`);
      });
    }
  } else {
    expectEqual("distinct members", new Set(Object.values(members)).size, 3);
    expectEqual("whoami rooms", who.a1.rooms, [who.a1.id]);

    // Broadcast to all, from a client of each member: every client of every member gets it once.
    for (const [i, sender] of [a1, b1, c1].entries()) {
      await step(`broadcast-all from ${sender.label}`, async () => {
        expectEqual(`broadcast-all ack ${sender.label}`, await call(sender, "broadcast-all", { n: i }), "sent");
        await Promise.all(all.map((s) => received(s, "all-message", i + 1)));
      });
    }
    for (const s of all) expectEqual(`all-message at ${s.label}`, payloadsOf(s, "all-message"), [{ n: 0 }, { n: 1 }, { n: 2 }]);

    // Binary, to everyone but the sender, across servers.
    for (const [i, sender] of [b1, c1].entries()) {
      await step(`broadcast-others binary from ${sender.label}`, async () => {
        sender.emit("broadcast-others", Buffer.from([i, 1, 2, 255]));
        await Promise.all(all.filter((s) => s !== sender).map((s) => received(s, "others", s === b1 || s === c1 ? 1 : i + 1)));
      });
    }
    for (const s of all) {
      expectEqual(`binary at ${s.label}`, payloadsOf(s, "others").map((b) => [...new Uint8Array(b)]),
        s === b1 ? [[1, 1, 2, 255]] : s === c1 ? [[0, 1, 2, 255]] : [[0, 1, 2, 255], [1, 1, 2, 255]]);
    }

    // Volatile, from a client of each member (so every direction is exercised in a mixed cluster).
    for (const [i, sender] of [a1, b1, c1].entries()) {
      await step(`broadcast-volatile from ${sender.label}`, async () => {
        expectEqual(`broadcast-volatile ack ${sender.label}`, await call(sender, "broadcast-volatile", `v${i}`), "sent");
        await Promise.all(all.map((s) => received(s, "volatile-message", i + 1)));
      });
    }
    for (const s of all) expectEqual(`volatile-message at ${s.label}`, payloadsOf(s, "volatile-message"), ["v0", "v1", "v2"]);

    // Rooms: a1 and c1 in r1; a broadcast to r1 except a1 from b1 reaches c1 only.
    await call(a1, "join", ["r1"]);
    await call(c1, "join", ["r1"]);
    await step("r1 channel subscribed", () => roomSubscribed("r1", 2)); // members A (a1) and C (c1)
    await step("room broadcast-except", async () => {
      await call(b1, "broadcast-except", { room: "r1", except: who.a1.id, payload: "to-r1" });
      await received(c1, "room-message");
      await call(b1, "broadcast-except", { room: "r1", except: who.c1.id, payload: "to-r1-2" });
      await received(a1, "room-message");
      expectEqual("room-message at a1", payloadsOf(a1, "room-message"), ["to-r1-2"]);
      expectEqual("room-message at c1", payloadsOf(c1, "room-message"), ["to-r1"]);
      expectEqual("room-message at a2/b1", [...payloadsOf(a2, "room-message"), ...payloadsOf(b1, "room-message")], []);
    });

    // Broadcast with acknowledgements across servers, from each member.
    for (const sender of [a1, b1, c1]) {
      await step(`room-broadcast-with-ack from ${sender.label}`, async () => {
        expectEqual(`room-broadcast-with-ack from ${sender.label}`, await call(sender, "room-broadcast-with-ack", { room: "r1", arg: "x", timeout: 2000 }), ["a1", "c1"]);
        expectEqual(`broadcast-with-ack from ${sender.label}`, await call(sender, "broadcast-with-ack", "x"), ["a1", "a2", "b1", "c1"]);
      });
    }

    // fetchSockets from each member: the same view of the cluster.
    const expectedAll = sorted([who.a1.id, who.a2.id, who.b1.id, who.c1.id]).map((id) => {
      const label = Object.keys(who).find((k) => who[k].id === id);
      return { id, label, rooms: sorted(label === "a1" || label === "c1" ? [id, "r1"] : [id]) };
    });
    for (const sender of [a1, b1, c1]) {
      await step(`fetch-sockets from ${sender.label}`, async () => {
        expectEqual(`fetch-sockets from ${sender.label}`, await call(sender, "fetch-sockets", {}), expectedAll);
        expectEqual(`fetch-sockets r1 except a1 from ${sender.label}`, await call(sender, "fetch-sockets", { room: "r1", except: who.a1.id }),
          expectedAll.filter((s) => s.label === "c1"));
      });
    }

    // socketsJoin / socketsLeave across servers.
    await step("sockets-join", async () => {
      expectEqual("sockets-join ack", await call(b1, "sockets-join", { room: "r1", rooms: ["r2"] }), "done");
      await call(a1, "whoami"); // a round trip; the remote join may still be on its way, so poll whoami briefly
      let rooms;
      for (let i = 0; i < 40; i++) {
        rooms = (await call(c1, "whoami")).rooms;
        if (rooms.includes("r2")) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expectEqual("c1 rooms after sockets-join", rooms, sorted([who.c1.id, "r1", "r2"]));
      let a1Rooms;
      for (let i = 0; i < 40; i++) {
        a1Rooms = (await call(a1, "whoami")).rooms;
        if (a1Rooms.includes("r2")) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expectEqual("a1 rooms after sockets-join", a1Rooms, sorted([who.a1.id, "r1", "r2"]));
    });

    // socketsLeave in a cycle, each member removing r2 from a socket of the next one: C → A, A → B, B → C.
    await step("sockets-leave", async () => {
      await call(b1, "join", ["r2"]);
      for (const [sender, target] of [[c1, a1], [a1, b1], [b1, c1]]) {
        expectEqual(`sockets-leave ack ${sender.label}`, await call(sender, "sockets-leave", { room: who[target.label].id, rooms: ["r2"] }), "done");
      }
      for (const [target, rooms] of [[a1, [who.a1.id, "r1"]], [b1, [who.b1.id]], [c1, [who.c1.id, "r1"]]]) {
        let now;
        for (let i = 0; i < 40; i++) {
          now = (await call(target, "whoami")).rooms;
          if (!now.includes("r2")) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        expectEqual(`${target.label} rooms after sockets-leave`, now, sorted(rooms));
      }
    });

    // serverSideEmit: every other member's clients get sse-received; with ack, every other member answers.
    await step("server-side-emit", async () => {
      expectEqual("server-side-emit ack", await call(a2, "server-side-emit", { from: "a2" }), "sent");
      await Promise.all([received(b1, "sse-received"), received(c1, "sse-received")]);
      expectEqual("sse-received at b1", payloadsOf(b1, "sse-received"), [{ from: "a2" }]);
    });
    for (const [sender, others] of [[a1, [members.B, members.C]], [b1, [members.A, members.C]], [c1, [members.A, members.B]]]) {
      await step(`server-side-emit-ack from ${sender.label}`, async () => {
        expectEqual(`server-side-emit-ack from ${sender.label}`, await call(sender, "server-side-emit-ack", "q"), { timedOut: false, responses: sorted(others) });
      });
    }

    // disconnectSockets across servers, in a cycle: a2 (member A) from member C, c1 (C) from B, b1 (B) from A.
    for (const [sender, target] of [[c1, a2], [b1, c1], [a1, b1]]) {
      await step(`disconnect-sockets from ${sender.label}`, async () => {
        target.expectDisconnect = true;
        const reason = new Promise((resolve) => target.once("disconnect", resolve));
        expectEqual(`disconnect-sockets ack ${sender.label}`, await call(sender, "disconnect-sockets", { room: who[target.label].id, close: false }), "done");
        expectEqual(`${target.label} disconnect reason`, await Promise.race([reason, new Promise((r) => setTimeout(() => r("timeout"), TIMEOUT))]), "io server disconnect");
      });
    }

    // The server-side event never came back to its own member's clients.
    expectEqual("sse-received at a1/a2", [...payloadsOf(a1, "sse-received"), ...payloadsOf(a2, "sse-received")], []);
  }
} catch (err) {
  errors.push(`setup: ${err.message}`);
} finally {
  for (const s of sockets) { s.expectDisconnect = true; s.disconnect(); }
}

console.log(JSON.stringify({ ok: errors.length === 0, errors, results }));
process.exit(0);
