// Drives the chat sample's page (samples/Chat/Chat.Server/wwwroot) in Debian's Chromium through playwright-core.
//
//   node browser-chat.mjs <baseUrl> <scenario> <screenshotDir> [room]
//
// Scenarios (each page is a fresh browser context, i.e. its own profile):
//   two-pages     alice and bob chat (typing indicator, server acks), a bad room and a blank nickname are refused
//                 with their reasons, and carol, joining late, gets the history
//   dotnet-peer   a page joins <room>, waits for "hello from dotnet" (sent by the .NET console client the test starts
//                 once the page is in the room) and answers "hello from the browser"
//   upgrade       a page opens on polling and is observed upgraded to websocket, then chats
//   polling-only  a page limited to transports ['polling'] chats with a default page and never upgrades
//   refused-late-poll
//                 a blank nickname is refused while the server holds every poll (the test's middleware), so the GET
//                 the client sends beside its close packet reaches the server after the close; reports every poll
//                 (the page uses polling only, so the close is always a POST)
//
// stdout: one JSON line {"ok", "scenario", ...observations, "screenshots": [...], "errors": [...]}; exit 0 iff ok.
// Chromium: /usr/bin/chromium (or $CHROMIUM_PATH); missing, the run fails saying so.
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

const [baseUrl, scenario, screenshotDir, room = `room-${Date.now().toString(36)}`] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const WAIT = 10_000;
const result = { ok: false, scenario, room, screenshots: [], errors: [] };

const watchdog = setTimeout(() => finish("watchdog: the scenario did not end within 40 s"), 40_000);
let browser;

try {
  if (!baseUrl || !scenario || !screenshotDir) throw new Error("usage: node browser-chat.mjs <baseUrl> <scenario> <screenshotDir> [room]");
  if (!fs.existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}: install it (Debian: apt-get install -y chromium; ./test.sh does) or set CHROMIUM_PATH`);
  }
  fs.mkdirSync(screenshotDir, { recursive: true });
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run"],
  });
  result.browser = browser.version();
  const scenarios = { "two-pages": twoPages, "dotnet-peer": dotnetPeer, upgrade, "polling-only": pollingOnly,
    "refused-late-poll": refusedLatePoll };
  if (!scenarios[scenario]) throw new Error(`unknown scenario ${scenario}`);
  await scenarios[scenario]();
  await finish();
} catch (error) {
  await finish(error);
}

// ---- scenarios

async function twoPages() {
  const alice = await join("alice");
  const bob = await join("bob");
  await expectText(alice, "#members", "bob");

  // Typing: bob sees alice typing (a volatile broadcast to the room except her).
  await alice.locator("#text").pressSequentially("hello b");
  await expectText(bob, "#typing", "alice is typing");
  await alice.locator("#text").fill("hello bob");
  await send(alice, "hello bob");
  await expectMessage(bob, "alice", "hello bob");
  await expectText(bob, "#typing", "", { exact: true });

  await send(bob, "hello alice");
  await expectMessage(alice, "bob", "hello alice");

  // A bad room is refused in the join's ack, with the reason shown.
  const bad = await open("dave", { room: "no spaces" });
  await bad.locator("#join").click();
  await expectText(bad, "#join-error", "a room name may contain only");
  result.badRoomError = await bad.locator("#join-error").textContent();

  // A blank nickname is refused by the server's connection middleware: connect_error with the reason.
  const blank = await open("   ");
  await blank.locator("#join").click();
  await expectText(blank, "#join-error", "Refused: a nickname is required");
  result.badNicknameError = await blank.locator("#join-error").textContent();

  // carol joins late and gets the history.
  const carol = await join("carol");
  await expectMessage(carol, "alice", "hello bob");
  await expectMessage(carol, "bob", "hello alice");
  await expectText(alice, "#messages", "carol joined");
  result.carolHistory = await messages(carol);
  await shoot(alice, "two-pages-alice");
  await shoot(bob, "two-pages-bob");
  await shoot(carol, "two-pages-carol-late");
  await shoot(bad, "two-pages-bad-room");
}

// On a refusal socket.io-client closes its connection: it sends the next GET (queued before the refusal is handled)
// and then POSTs the close packet. Under load the server could read the close first and answer that GET 400, which
// Chromium logs as a console error (a flake of two-pages, SPEC A9). Here the server holds polls, so the close is
// always read first; the scenario ends once every poll has its answer. The page stays on polling: were it probing a
// WebSocket when the refusal came, engine.io-client would wait for the upgrade and close the WebSocket, posting no close.
async function refusedLatePoll() {
  const page = await open("   ", { transports: "polling" });
  const answers = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (!url.protocol.startsWith("http") || !url.searchParams.has("sid")) return;
    answers.push(request.response().then(async (response) => ({
      method: request.method(), sent: request.postData() ?? "", status: response?.status() ?? 0,
      body: response ? await response.text() : "" })));
  });
  const closePosted = page.waitForRequest((r) => r.method() === "POST" && r.postData() === "1", { timeout: WAIT });
  await page.locator("#join").click();
  await expectText(page, "#join-error", "Refused: a nickname is required");
  await closePosted;
  result.polls = await Promise.all(answers);
  await shoot(page, "refused-late-poll");
}

async function dotnetPeer() {
  const page = await join("webby");
  result.joined = true;
  await expectMessage(page, "dotnet", "hello from dotnet", 30_000);
  await send(page, "hello from the browser");
  result.messages = await messages(page);
  await shoot(page, "dotnet-peer");
}

async function upgrade() {
  const page = await join("upgrader");
  await page.waitForFunction(() => window.chat.upgradedTo === "websocket" && window.chat.socket.io.engine.transport.name === "websocket",
    null, { timeout: WAIT });
  const observed = await page.evaluate(() => ({ transports: window.chat.transports, upgradedTo: window.chat.upgradedTo,
    transport: window.chat.socket.io.engine.transport.name }));
  Object.assign(result, observed);
  if (observed.transports[0] !== "polling") throw new Error(`the page did not start on polling: ${observed.transports}`);
  await expectText(page, "#status", "connected via websocket");
  const other = await join("watcher");
  await send(page, "sent over websocket");
  await expectMessage(other, "upgrader", "sent over websocket");
  await shoot(page, "upgrade");
}

async function pollingOnly() {
  const polling = await join("poller", { transports: "polling" });
  const other = await join("other");
  await send(polling, "sent over polling");
  await expectMessage(other, "poller", "sent over polling");
  await send(other, "received over polling");
  await expectMessage(polling, "other", "received over polling");
  await polling.waitForTimeout(1000); // an upgrade, were one to happen, would have by now
  const observed = await polling.evaluate(() => ({ transports: window.chat.transports, upgradedTo: window.chat.upgradedTo,
    transport: window.chat.socket.io.engine.transport.name }));
  Object.assign(result, observed);
  if (observed.transport !== "polling" || observed.upgradedTo !== null || observed.transports.some((t) => t !== "polling")) {
    throw new Error(`the polling-only page used another transport: ${JSON.stringify(observed)}`);
  }
  await expectText(polling, "#status", "connected via polling");
  await shoot(polling, "polling-only");
}

// ---- helpers

async function open(nickname, { room: joinRoom = room, transports } = {}) {
  const context = await browser.newContext({ viewport: { width: 900, height: 640 } });
  const page = await context.newPage();
  page.on("pageerror", (error) => result.errors.push(`${nickname}: page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") result.errors.push(`${nickname}: console error: ${message.text()}`);
  });
  const query = new URLSearchParams({ nickname, room: joinRoom });
  if (transports) query.set("transports", transports);
  await page.goto(`${baseUrl}/?${query}`, { timeout: WAIT });
  return page;
}

async function join(nickname, options) {
  const page = await open(nickname, options);
  await page.locator("#join").click();
  await page.locator("#chat").waitFor({ state: "visible", timeout: WAIT });
  await expectText(page, "#members", nickname);
  return page;
}

async function send(page, text) {
  await page.locator("#text").fill(text);
  await page.locator("#send").click();
  // Acknowledged: the message gets the server's id and loses "pending".
  const mine = page.locator("#messages li.mine", { hasText: text }).last();
  await mine.and(page.locator("li[data-id]:not(.pending)")).waitFor({ timeout: WAIT });
  (result.acks ??= []).push({ text, id: await mine.getAttribute("data-id") });
}

async function expectMessage(page, from, text, timeout = WAIT) {
  await page.locator("#messages li.message", { hasText: text }).filter({ has: page.locator(".from", { hasText: from }) })
    .first().waitFor({ timeout });
}

async function expectText(page, selector, text, { exact = false } = {}) {
  await page.waitForFunction(([s, t, e]) => {
    const actual = document.querySelector(s)?.textContent ?? "";
    return e ? actual === t : actual.includes(t);
  }, [selector, text, exact], { timeout: WAIT });
}

async function messages(page) {
  return page.locator("#messages li.message").evaluateAll((items) =>
    items.map((li) => `${li.querySelector(".from").textContent}: ${li.querySelector(".text").textContent}`));
}

async function shoot(page, name) {
  const file = path.resolve(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  result.screenshots.push(file);
}

async function finish(error) {
  clearTimeout(watchdog);
  if (error) result.errors.push(String(error?.message ?? error));
  result.ok = result.errors.length === 0;
  const { errors, ...rest } = result;
  process.stdout.write(JSON.stringify({ ...rest, errors }) + "\n");
  try {
    await browser?.close();
  } catch {
    // the browser is gone already
  }
  process.exit(result.ok ? 0 : 1);
}
