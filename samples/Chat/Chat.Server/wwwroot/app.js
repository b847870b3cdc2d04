// The chat page: the official socket.io-client (global `io`) against the typed hub on /chat. The events and payloads
// are typed by ChatHub.d.ts, which the server's build generates from the C# contracts (Chat.Contracts): renaming a
// contract method or a record property fails this file's compile (docs/typescript.md). Client → server join/leave/
// send/typing, server → client message/userJoined/userLeft/typing. Query string: ?nickname=…&room=… prefill the form;
// ?transports=polling (or websocket) limits them. Source of wwwroot/app.js, which tsc writes (scripts/tsconfig.json):
// edit this file, not app.js.
"use strict";
const params = new URLSearchParams(location.search);
const $ = (id) => document.getElementById(id);
const state = {
    socket: null,
    room: null,
    seen: new Set(),
    transports: [],
    upgradedTo: null,
};
// For the browser tests and the curious: chat.socket.io.engine.transport.name
window.chat = state;
$("nickname").value = params.get("nickname") ?? localStorage.getItem("nickname") ?? "";
$("room").value = params.get("room") ?? $("room").value;
$("join-form").addEventListener("submit", (event) => {
    event.preventDefault();
    connect($("nickname").value.trim(), $("room").value.trim());
});
function connect(nickname, room) {
    $("join-error").textContent = "";
    localStorage.setItem("nickname", nickname);
    const options = { auth: { nickname } };
    const transports = params.get("transports");
    if (transports)
        options.transports = transports.split(",");
    const socket = io("/chat", options);
    state.socket = socket;
    state.room = room;
    // Each Engine.IO session starts on its first transport (polling unless limited) and may upgrade in place.
    socket.io.on("open", () => {
        const engine = socket.io.engine;
        state.transports.push(engine.transport.name);
        engine.on("upgrade", (transport) => {
            state.upgradedTo = transport.name;
            state.transports.push(transport.name);
            showStatus();
        });
    });
    socket.on("connect", async () => {
        showStatus();
        // On every (re)connection: the server forgets rooms with the connection, so join again.
        let result;
        try {
            result = await socket.timeout(10000).emitWithAck("join", room);
        }
        catch (error) {
            result = { ok: false, error: error.message, room, members: [], history: [] };
        }
        if (!result.ok) {
            $("join-error").textContent = `Could not join: ${result.error}`;
            socket.disconnect();
            return;
        }
        $("join-form").hidden = true;
        $("chat").hidden = false;
        $("room-name").textContent = result.room;
        showMembers(result.members);
        for (const message of result.history)
            showMessage(message, message.from === nickname);
        $("text").focus();
    });
    socket.on("connect_error", (error) => {
        $("join-error").textContent = socket.active ? `Connection failed (${error.message}), retrying…` : `Refused: ${error.message}`;
        showStatus();
    });
    socket.on("disconnect", (reason) => showStatus(reason));
    socket.on("message", (message) => showMessage(message, false));
    socket.on("userJoined", (presence) => { notice(`${presence.nickname} joined`); showMembers(presence.members); });
    socket.on("userLeft", (presence) => { notice(`${presence.nickname} left`); showMembers(presence.members); });
    socket.on("typing", ({ nickname: who, isTyping }) => showTyping(who, isTyping));
}
$("send-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const socket = state.socket;
    const text = $("text").value;
    if (!socket || state.room === null || !text.trim())
        return;
    $("text").value = "";
    stopTyping();
    const item = showMessage({ from: $("nickname").value.trim(), text, time: null }, true);
    item.classList.add("pending");
    try {
        // Acknowledged by the server with the stored message's id and time (MessageAck).
        const ack = await socket.timeout(10000).emitWithAck("send", state.room, text);
        if (!ack.ok || ack.id === null || ack.time === null)
            throw new Error(ack.error ?? "not stored");
        item.classList.remove("pending");
        item.dataset.id = ack.id;
        state.seen.add(ack.id);
        item.querySelector(".time").textContent = formatTime(ack.time) + " ✓";
        $("send-error").textContent = "";
    }
    catch (error) {
        item.remove();
        $("send-error").textContent = `Not sent: ${error.message}`;
    }
});
// Typing indicator: "typing" true on the first key, false after 2 s without one (or on send).
let typingTimer = null;
$("text").addEventListener("input", () => {
    if (!state.socket?.connected || state.room === null)
        return;
    if (typingTimer === null)
        state.socket.emit("typing", state.room, true);
    clearTimeout(typingTimer ?? undefined);
    typingTimer = setTimeout(stopTyping, 2000);
});
function stopTyping() {
    if (typingTimer === null)
        return;
    clearTimeout(typingTimer);
    typingTimer = null;
    if (state.room !== null)
        state.socket?.emit("typing", state.room, false);
}
const typists = new Map();
function showTyping(who, isTyping) {
    clearTimeout(typists.get(who));
    if (isTyping)
        typists.set(who, setTimeout(() => showTyping(who, false), 5000));
    else
        typists.delete(who);
    const names = [...typists.keys()];
    $("typing").textContent = names.length === 0 ? "" : `${names.join(", ")} ${names.length === 1 ? "is" : "are"} typing…`;
}
function showMessage(message, mine) {
    if (message.id && state.seen.has(message.id))
        return null; // history and live delivery can overlap on join
    if (message.id)
        state.seen.add(message.id);
    if (!mine)
        showTyping(message.from, false);
    const item = document.createElement("li");
    item.className = mine ? "message mine" : "message";
    if (message.id)
        item.dataset.id = message.id;
    const from = document.createElement("span");
    from.className = "from";
    from.textContent = message.from;
    const text = document.createElement("span");
    text.className = "text";
    text.textContent = message.text;
    const time = document.createElement("span");
    time.className = "time";
    time.textContent = message.time ? formatTime(message.time) : "";
    item.append(from, text, time);
    $("messages").append(item);
    item.scrollIntoView({ block: "nearest" });
    return item;
}
function notice(text) {
    const item = document.createElement("li");
    item.className = "notice";
    item.textContent = text;
    $("messages").append(item);
}
function showMembers(members) {
    $("members").textContent = `— ${members.join(", ")}`;
}
function showStatus(reason) {
    const socket = state.socket;
    const status = $("status");
    if (socket?.connected) {
        status.dataset.state = "online";
        status.textContent = `connected via ${socket.io.engine.transport.name}`;
    }
    else {
        status.dataset.state = "offline";
        status.textContent = reason ? `disconnected (${reason})` : "not connected";
    }
}
function formatTime(iso) {
    return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}
