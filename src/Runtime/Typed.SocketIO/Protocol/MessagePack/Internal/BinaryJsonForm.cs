namespace Typed.SocketIO.Protocol.Internal;

/// <summary>How binary values are written by <see cref="MessagePackToJsonTranscoder"/>.</summary>
internal enum BinaryJsonForm : byte
{
    /// <summary>Events and acks: <c>{"_placeholder":true,"num":N}</c> and an attachment, as socket.io-parser does.</summary>
    Placeholder,

    /// <summary>
    /// Other packets, which socket.io-parser never gives attachments: what <c>JSON.stringify</c> writes for the value,
    /// so a CONNECT auth holding a Buffer reads the same through either parser (<c>{"type":"Buffer","data":[1,2]}</c>,
    /// <c>{}</c> for an ArrayBuffer).
    /// </summary>
    Stringified,
}
