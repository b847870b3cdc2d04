using System.Net.WebSockets;
using System.Text.Unicode;
using Typed.SocketIO.Internal;

namespace Typed.Fuzz;

/// <summary>
/// WebSocket message assembly: the fuzz input is the raw byte stream a client sends after the 101 (masked frames),
/// read by the server's <see cref="WebSocketMessageReader"/> over .NET's WebSocket until it stops. The reader's
/// contract is a <see cref="WebSocketReadStatus"/>, never an exception, and no message over its limit.
/// </summary>
internal static class WebSocketTarget
{
    private const int MaxMessageSize = 4096;
    private const int MaxEmptyFragments = 16;

    public static void Run(byte[] input)
    {
        using var stream = new FuzzInputStream(input);
        using var webSocket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        using var reader = new WebSocketMessageReader(webSocket, MaxMessageSize, MaxEmptyFragments);
        while (true)
        {
            var status = reader.ReadAsync().AsTask().GetAwaiter().GetResult();
            if (status != WebSocketReadStatus.Message)
            {
                if (status != WebSocketReadStatus.PeerClosed && reader.Error is null)
                {
                    throw new ContractViolationException($"{status} without a reason");
                }

                return;
            }

            if (reader.Message.Length > MaxMessageSize)
            {
                throw new ContractViolationException($"a message of {reader.Message.Length} bytes passed the limit");
            }

            if (reader.MessageType == WebSocketMessageType.Text && !Utf8.IsValid(reader.Message.Span))
            {
                throw new ContractViolationException("a text message with invalid UTF-8");
            }
        }
    }
}
