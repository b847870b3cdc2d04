namespace Typed;

/// <summary>How a contract method's name becomes its event name (a trailing <c>Async</c> is always dropped first).</summary>
public enum EventNamingPolicy
{
    /// <summary>The assembly's <see cref="SocketContractDefaultsAttribute.NamingPolicy"/>, else <see cref="AsWritten"/>.</summary>
    Default = 0,

    /// <summary><c>SendMessage</c> → <c>SendMessage</c>.</summary>
    AsWritten = 1,

    /// <summary><c>SendMessage</c> → <c>sendMessage</c> (what JavaScript code usually uses).</summary>
    CamelCase = 2,

    /// <summary><c>SendMessage</c> → <c>send_message</c>.</summary>
    SnakeCaseLower = 3,

    /// <summary><c>SendMessage</c> → <c>send-message</c>.</summary>
    KebabCaseLower = 4,
}
