namespace Typed.SocketIO.Client.Internal;

/// <summary>An Engine.IO session could not be opened.</summary>
internal sealed class EngineIOConnectException(string message, Exception? inner = null) : Exception(message, inner);
