namespace Typed.SocketIO;

/// <summary>
/// Received arguments did not bind to a handler's parameters: an argument is missing, <c>null</c> where the parameter
/// is not nullable, of the wrong kind, or out of the parameter type's range. Names the parameter and its position;
/// a caller that asked for an acknowledgement receives it as a <see cref="SocketIOErrorCodes.BindingError"/>.
/// </summary>
public sealed class SocketIOBindingException : Exception
{
    /// <summary>Argument <paramref name="position"/> did not bind to <paramref name="parameter"/>.</summary>
    public SocketIOBindingException(string parameter, int position, string reason, Exception? innerException = null)
        : base($"Argument {position} ('{parameter}') {reason}", innerException)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        Parameter = parameter;
        Position = position;
    }

    /// <summary>The parameter's name.</summary>
    public string Parameter { get; }

    /// <summary>The 0-based position of the argument.</summary>
    public int Position { get; }
}
