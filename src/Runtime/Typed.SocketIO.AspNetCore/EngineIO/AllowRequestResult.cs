namespace Typed.EngineIO;

/// <summary>The verdict of <see cref="EngineIOOptions.AllowRequest"/> on a handshake request.</summary>
public readonly struct AllowRequestResult
{
    private AllowRequestResult(bool allowed, string? message)
    {
        IsAllowed = allowed;
        Message = message;
    }

    /// <summary>Whether the request may open a session.</summary>
    public bool IsAllowed { get; }

    /// <summary>For a rejection, the message sent in the error body (<c>{"code":4,"message":…}</c>).</summary>
    public string? Message { get; }

    /// <summary>Lets the request through.</summary>
    public static AllowRequestResult Allow() => new(true, null);

    /// <summary>Rejects the request with HTTP 403 and error code 4.</summary>
    /// <param name="message">The message the client sees; never put exception details here.</param>
    public static AllowRequestResult Reject(string message = "Forbidden") => new(false, message);

    /// <summary>Lets a synchronous hook be written as <c>ctx =&gt; AllowRequestResult.Allow()</c>.</summary>
    public static implicit operator ValueTask<AllowRequestResult>(AllowRequestResult result) => new(result);
}
