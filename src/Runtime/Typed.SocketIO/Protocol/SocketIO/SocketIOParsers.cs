namespace Typed.SocketIO.Protocol;

/// <summary>The implementation behind each <see cref="SocketIOParser"/> value.</summary>
public static class SocketIOParsers
{
    /// <summary>The shared, stateless parser for <paramref name="parser"/>.</summary>
    public static ISocketIOParser Get(SocketIOParser parser) =>
        parser == SocketIOParser.MessagePack ? SocketIOMessagePackParser.Instance : SocketIOJsonParser.Instance;
}
