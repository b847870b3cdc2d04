namespace Typed.EngineIO.Internal;

/// <summary>Where an <see cref="EngineIOSession"/> is in its life; it only moves forward.</summary>
internal enum EngineIOSessionState
{
    Open,
    /// <summary>Closed by the server: the application has been told; the client is told by the last flush.</summary>
    Closing,
    Closed,
}
