namespace Typed.SocketIO.Protocol;

/// <summary>The Socket.IO v5 packet types; the value is the type digit of the default (JSON) encoding.</summary>
public enum SocketIOPacketType : byte
{
    /// <summary><c>0</c>: connect to a namespace (client, with an optional auth object) or accept it (server, <c>{sid}</c>).</summary>
    Connect = 0,
    /// <summary><c>1</c>: leave a namespace.</summary>
    Disconnect = 1,
    /// <summary><c>2</c>: an event: <c>["name", ...args]</c>.</summary>
    Event = 2,
    /// <summary><c>3</c>: the acknowledgement of an event: <c>[...args]</c>.</summary>
    Ack = 3,
    /// <summary><c>4</c>: the server refused a namespace connection: <c>{message, data?}</c>.</summary>
    ConnectError = 4,
    /// <summary><c>5</c>: an event with binary attachments.</summary>
    BinaryEvent = 5,
    /// <summary><c>6</c>: an acknowledgement with binary attachments.</summary>
    BinaryAck = 6,
}
