using System.Collections.Concurrent;

namespace Typed.Interop.Tests.Authorization;

/// <summary>What ran on the server (a singleton): hub methods and filter steps, in order.</summary>
public sealed class AuthLog
{
    public ConcurrentQueue<string> Entries { get; } = new();

    public void Add(string entry) => Entries.Enqueue(entry);

    public int Count(string entry) => Entries.Count(e => e == entry);
}
