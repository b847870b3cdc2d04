using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Typed.EngineIO;

namespace Typed.SocketIO.Internal;

/// <summary>
/// One Engine.IO connection as Socket.IO sees it: decodes its messages into packets, connects sockets to namespaces,
/// routes events and acknowledgements to them, and enforces the connection rules (connect timeout, invalid state).
/// </summary>
internal sealed class SocketIOConnection
{
    private static readonly byte[] s_invalidNamespace = """{"message":"Invalid namespace"}"""u8.ToArray();
    private static readonly byte[] s_emptyObject = "{}"u8.ToArray();

    private readonly SocketIOServer _server;
    private readonly ISocketIODecoder _decoder;
    private readonly Dictionary<string, SocketIOSocket> _sockets = new(StringComparer.Ordinal);
    private readonly HashSet<string> _connecting = new(StringComparer.Ordinal);
    // Disposed and dropped (under the _sockets lock) at the first namespace CONNECT, so a connected client holds no timer.
    private Timer? _connectTimeout;
    private Timer? _reassemblyTimeout;
    private bool _reassembling;
    private SocketIODisconnectReason? _closeReason;
    private bool _closed;

    public SocketIOConnection(SocketIOServer server, EngineIOSocket engine)
    {
        _server = server;
        Engine = engine;
        _decoder = server.Parser.CreateDecoder(server.ParserLimits);
        EventBytes = new EventByteBudget(server.Options.MaxQueuedBytesPerConnection);
        _connectTimeout = new Timer(static state => ((SocketIOConnection)state!).OnConnectTimeout(), this, server.Options.ConnectTimeout, Timeout.InfiniteTimeSpan);
    }

    public EngineIOSocket Engine { get; }

    /// <summary>The bytes of unfinished events, shared by this connection's sockets (<see cref="SocketIOOptions.MaxQueuedBytesPerConnection"/>).</summary>
    public EventByteBudget EventBytes { get; }

    /// <summary>
    /// One message from the client. Never waits for the application: events are handed to their socket's dispatcher,
    /// which starts or queues them at once (or refuses, past its bounds), so acknowledgements, DISCONNECTs and the
    /// Engine.IO pongs behind them are always read, and a close is never stuck behind a handler.
    /// </summary>
    public ValueTask OnMessageAsync(EngineIOMessage message)
    {
        OnMessage(message);
        return ValueTask.CompletedTask;
    }

    private void OnMessage(EngineIOMessage message)
    {
        var status = _decoder.Decode(message.Data, message.IsBinary, out var packet, out var error);
        TrackReassembly(status == SocketIODecodeStatus.NeedMore);
        if (status == SocketIODecodeStatus.NeedMore)
        {
            return;
        }

        if (status == SocketIODecodeStatus.Error)
        {
            // As the reference: an undecodable packet closes the whole connection, every namespace with it.
            SocketIOLog.DecodeFailed(_server.Logger, Engine.Id, error!);
            _server.Metrics.ParseError();
            Close(SocketIODisconnectReason.ForcedClose);
            return;
        }

        switch (packet!.Type)
        {
            case SocketIOPacketType.Connect:
                // Not awaited: a slow middleware (a database lookup…) must not stop this connection's reads, or its
                // pongs would go unread and it would die of ping timeout. As in the reference, a packet for the
                // namespace before its CONNECT reply is invalid state (the JavaScript client waits for the reply).
                _ = ConnectAsync(packet);
                return;
            case SocketIOPacketType.Disconnect:
                if (Find(packet.Namespace) is { } leaving)
                {
                    leaving.OnClosed(SocketIODisconnectReason.ClientNamespaceDisconnect);
                    return;
                }

                break;
            case SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent:
                if (Find(packet.Namespace) is { } target)
                {
                    target.EnqueueEvent(packet);
                    return;
                }

                break;
            case SocketIOPacketType.Ack or SocketIOPacketType.BinaryAck:
                if (Find(packet.Namespace) is { } acked)
                {
                    // An ack with no id or an unknown one is ignored, as the reference does ("bad ack").
                    acked.HandleAck(packet);
                    return;
                }

                break;
        }

        // A packet for a namespace not joined (or still joining), or a CONNECT_ERROR from a client.
        SocketIOLog.InvalidState(_server.Logger, Engine.Id, $"packet type {packet.Type} for namespace {packet.Namespace}");
        Close(SocketIODisconnectReason.ForcedServerClose);
    }

    public void OnEngineClosed(EngineIOCloseReason reason)
    {
        SocketIOSocket[] sockets;
        lock (_sockets)
        {
            _closed = true;
            sockets = [.. _sockets.Values];
            _connectTimeout?.Dispose();
            _connectTimeout = null;
        }

        _reassemblyTimeout?.Dispose();
        _decoder.Reset();
        var socketReason = _closeReason ?? reason switch
        {
            EngineIOCloseReason.TransportClose => SocketIODisconnectReason.TransportClose,
            EngineIOCloseReason.TransportError => SocketIODisconnectReason.TransportError,
            EngineIOCloseReason.PingTimeout => SocketIODisconnectReason.PingTimeout,
            EngineIOCloseReason.ParseError => SocketIODisconnectReason.ParseError,
            _ => SocketIODisconnectReason.ForcedClose,
        };
        foreach (var socket in sockets)
        {
            socket.OnClosed(socketReason);
        }
    }

    /// <summary>Closes the Engine.IO connection; its sockets leave with <paramref name="reason"/>.</summary>
    public void Close(SocketIODisconnectReason reason)
    {
        lock (_sockets)
        {
            _closeReason ??= reason;
        }

        Engine.Close();
    }

    /// <summary><c>socket.disconnect(true)</c>: each socket leaves with its DISCONNECT packet, then the connection closes.</summary>
    public void DisconnectAllAndClose()
    {
        SocketIOSocket[] sockets;
        lock (_sockets)
        {
            sockets = [.. _sockets.Values];
        }

        foreach (var socket in sockets)
        {
            socket.Disconnect();
        }

        Close(SocketIODisconnectReason.ForcedClose);
    }

    public void Write(List<EngineIOOutgoingPacket> packets, bool isVolatile)
    {
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(packets);
        _server.Metrics.BytesSent(span);
        if (isVolatile)
        {
            // A volatile packet the transport cannot take now is dropped, as in the reference.
            Engine.TrySendVolatile(span);
        }
        else
        {
            Engine.Send(span);
        }
    }

    public void RemoveSocket(SocketIOSocket socket)
    {
        lock (_sockets)
        {
            if (_sockets.TryGetValue(socket.Namespace.Name, out var current) && current == socket)
            {
                _sockets.Remove(socket.Namespace.Name);
            }
        }
    }

    private SocketIOSocket? Find(string ns)
    {
        lock (_sockets)
        {
            return _sockets.GetValueOrDefault(ns);
        }
    }

    /// <summary>
    /// Everything that reads <paramref name="packet"/> (whose bytes belong to the receive buffer) runs before the first
    /// await; the middleware and the rest run after the message handler has returned.
    /// </summary>
    private async Task ConnectAsync(SocketIOPacket packet)
    {
        var name = packet.Namespace;
        lock (_sockets)
        {
            if (_sockets.ContainsKey(name) || !_connecting.Add(name))
            {
                // A second CONNECT for a namespace already joined (or joining) is invalid state.
                name = null;
            }
        }

        if (name is null)
        {
            SocketIOLog.InvalidState(_server.Logger, Engine.Id, $"second CONNECT for {packet.Namespace}");
            Close(SocketIODisconnectReason.ForcedServerClose);
            return;
        }

        try
        {
            // Read before the first await (the packet's bytes belong to the receive buffer); a dynamic namespace's
            // predicate sees it.
            JsonElement auth;
            using (var document = JsonDocument.Parse(packet.Data.IsEmpty ? s_emptyObject : packet.Data, new JsonDocumentOptions { MaxDepth = _server.ParserLimits.MaxDepth }))
            {
                auth = document.RootElement.Clone();
            }

            var ns = await _server.ResolveAsync(name, auth).ConfigureAwait(false);
            if (ns is null)
            {
                SocketIOLog.ConnectRefused(_server.Logger, name, "Invalid namespace");
                WritePacket(new SocketIOPacket { Type = SocketIOPacketType.ConnectError, Namespace = name, Data = s_invalidNamespace });
                return;
            }

            var recovery = _server.Options.ConnectionStateRecovery;
            var (session, offset) = recovery is null ? default : await TakeSessionAsync(ns, auth).ConfigureAwait(false);
            var socket = new SocketIOSocket(
                ns,
                this,
                session?.Id ?? NewSocketId(),
                new SocketIOHandshake(Engine.Handshake, auth, DateTimeOffset.UtcNow),
                pid: recovery is null ? null : session?.Pid ?? NewSocketId(),
                recovered: session);
            using var activity = SocketIOServerActivities.StartConnect(Engine, ns);
            socket.UserId = _server.UserIdProvider.GetUserId(socket);

            // socket.io's skipMiddlewares: a recovered socket was authorized when it first connected, and its session
            // is bound to the same user; turned off, authorization runs again.
            if (!(session is not null && recovery!.SkipMiddlewares) && !await RunMiddlewaresAsync(ns, socket).ConfigureAwait(false))
            {
                ns.RemoveIfEmptyChild();
                return;
            }

            lock (_sockets)
            {
                if (_closed)
                {
                    ns.RemoveIfEmptyChild();
                    return;
                }

                _sockets[name] = socket;
                _connectTimeout?.Dispose();
                _connectTimeout = null;
            }

            ns.AddSocket(socket);
            if (session is null)
            {
                ns.Adapter.AddAll(socket.Id, socket.UserId is { Length: > 0 } userId ? [socket.Id, SocketIOUserRooms.For(userId)] : [socket.Id]);
            }
            else if (!ns.Adapter.TryRestoreSession(socket, session, offset!))
            {
                // Only when the middleware ran (SkipMiddlewares false) and the missed packets left the buffer
                // meanwhile: the socket already carries the old id, so it is refused rather than half-restored.
                ConnectionStateRecoveryLog.RestoreFailed(_server.Logger, socket.Id, ns.Name);
                ns.RemoveSocket(socket);
                RemoveSocket(socket);
                WritePacket(new SocketIOPacket { Type = SocketIOPacketType.ConnectError, Namespace = name, Data = ConnectError("Connection state recovery failed", null) });
                return;
            }

            // Queued before any event. The connection handlers run first and alone, and the socket answers the CONNECT
            // once they succeed (AcceptConnect), or refuses it when one throws (RefuseConnect); what they emit follows
            // the reply.
            socket.EnqueueConnection();
        }
        catch (Exception ex)
        {
            // Nothing awaits this task: a failure here is logged and ends the connection rather than going unobserved.
            SocketIOLog.HandlerFailed(_server.Logger, ex, "CONNECT", Engine.Id);
            Close(SocketIODisconnectReason.ForcedServerClose);
        }
        finally
        {
            lock (_sockets)
            {
                _connecting.Remove(name);
            }
        }
    }

    /// <summary>The CONNECT reply, once the socket's connection handlers have succeeded.</summary>
    internal void AcceptConnect(SocketIOSocket socket) =>
        WritePacket(new SocketIOPacket { Type = SocketIOPacketType.Connect, Namespace = socket.Namespace.Name, Data = ConnectReply(socket.Id, socket.Pid) });

    /// <summary>
    /// A CONNECT whose auth carries string <c>pid</c> and <c>offset</c> (what socket.io-client adds on reconnection)
    /// asks for its session back. The session is taken (single-use) and given back only to the user it belongs to.
    /// </summary>
    private async ValueTask<(SocketIOSession? Session, string? Offset)> TakeSessionAsync(SocketIONamespace ns, JsonElement auth)
    {
        if (auth.ValueKind != JsonValueKind.Object
            || !auth.TryGetProperty("pid"u8, out var pidElement) || pidElement.ValueKind != JsonValueKind.String
            || !auth.TryGetProperty("offset"u8, out var offsetElement) || offsetElement.ValueKind != JsonValueKind.String)
        {
            return default;
        }

        var offset = offsetElement.GetString()!;
        var session = await ns.Adapter.TakeSessionAsync(pidElement.GetString()!, offset).ConfigureAwait(false);
        if (session is null)
        {
            return default;
        }

        if (!string.Equals(session.User, SocketIOSessionUser.Of(Engine.Handshake.User), StringComparison.Ordinal))
        {
            ConnectionStateRecoveryLog.OtherUser(_server.Logger, ns.Name);
            return default;
        }

        // A socket with that id still connected (a client presenting the session twice at once is refused above,
        // the session being single-use; this guards an adapter that lets a session out twice).
        if (ns.TryGetSocket(session.Id, out _))
        {
            ConnectionStateRecoveryLog.NotRecovered(_server.Logger, ns.Name, "a socket with that id is connected");
            return default;
        }

        return (session, offset);
    }

    /// <summary>The CONNECT_ERROR of a socket whose connection handler threw.</summary>
    internal void RefuseConnect(SocketIOSocket socket, string message, JsonElement? data) =>
        WritePacket(new SocketIOPacket { Type = SocketIOPacketType.ConnectError, Namespace = socket.Namespace.Name, Data = ConnectError(message, data) });

    private async ValueTask<bool> RunMiddlewaresAsync(SocketIONamespace ns, SocketIOSocket socket)
    {
        foreach (var middleware in ns.Middlewares)
        {
            try
            {
                await middleware(socket).ConfigureAwait(false);
            }
            catch (SocketIOConnectionRejectedException rejection)
            {
                SocketIOLog.ConnectRefused(_server.Logger, ns.Name, rejection.Message);
                WritePacket(new SocketIOPacket { Type = SocketIOPacketType.ConnectError, Namespace = socket.Namespace.Name, Data = ConnectError(rejection.Message, rejection.Data) });
                return false;
            }
            catch (Exception ex)
            {
                // Exception details stay on the server; the client learns only that it was refused.
                SocketIOLog.MiddlewareFailed(_server.Logger, ex, ns.Name);
                WritePacket(new SocketIOPacket { Type = SocketIOPacketType.ConnectError, Namespace = socket.Namespace.Name, Data = ConnectError("Internal error", null) });
                return false;
            }
        }

        return true;
    }

    private void WritePacket(SocketIOPacket packet)
    {
        var encoded = new List<EngineIOOutgoingPacket>(1);
        _server.Parser.Encode(packet, encoded);
        Write(encoded, isVolatile: false);
    }

    /// <summary>
    /// A binary packet whose attachments never all arrive must not hold its buffers for the life of the connection
    /// (BAD-INPUTS F7): past <see cref="SocketIOOptions.ReassemblyTimeout"/> the connection closes. The timer exists
    /// only for connections that have sent binary.
    /// </summary>
    private void TrackReassembly(bool waiting)
    {
        if (waiting == _reassembling)
        {
            return;
        }

        _reassembling = waiting;
        if (waiting)
        {
            _reassemblyTimeout ??= new Timer(static state => ((SocketIOConnection)state!).OnReassemblyTimeout(), this, Timeout.Infinite, Timeout.Infinite);
            _reassemblyTimeout.Change(_server.Options.ReassemblyTimeout, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _reassemblyTimeout?.Change(Timeout.Infinite, Timeout.Infinite);
        }
    }

    private void OnReassemblyTimeout()
    {
        if (Volatile.Read(ref _reassembling))
        {
            SocketIOLog.DecodeFailed(_server.Logger, Engine.Id, "binary attachments did not arrive within the reassembly timeout");
            _server.Metrics.ParseError();
            Close(SocketIODisconnectReason.ForcedClose);
        }
    }

    private void OnConnectTimeout()
    {
        lock (_sockets)
        {
            if (_sockets.Count > 0 || _closed)
            {
                return;
            }
        }

        SocketIOLog.ConnectTimeout(_server.Logger, Engine.Id);
        Close(SocketIODisconnectReason.ForcedServerClose);
    }

    private static byte[] ConnectReply(string socketId, string? pid)
    {
        var buffer = new ArrayBufferWriter<byte>(72);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("sid"u8, socketId);
            if (pid is not null)
            {
                writer.WriteString("pid"u8, pid);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] ConnectError(string message, JsonElement? data)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer, JavaScriptJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("message"u8, message);
            if (data is { } value)
            {
                writer.WritePropertyName("data"u8);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A socket id: 20 characters of base64url, unrelated to the Engine.IO session id (which stays secret).</summary>
    private static string NewSocketId()
    {
        Span<byte> bytes = stackalloc byte[15];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }
}
