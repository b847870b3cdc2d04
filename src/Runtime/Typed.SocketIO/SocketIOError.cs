namespace Typed.SocketIO;

/// <summary>
/// The content of an error acknowledgement (<see cref="Protocol.SocketIOErrorAck"/>): why the peer did not run, or
/// failed to run, the handler of an event whose sender asked for an acknowledgement.
/// </summary>
/// <param name="Code">One of <see cref="SocketIOErrorCodes"/> (a peer may send others: compare as strings).</param>
/// <param name="Message">A message for people. A server hides exception details unless it opted in.</param>
/// <param name="Parameter">For a binding error, the parameter that did not bind.</param>
/// <param name="Position">For a binding error, the 0-based position of that argument.</param>
public sealed record SocketIOError(string Code, string Message, string? Parameter = null, int? Position = null);
