namespace Chat.Client;

/// <summary>
/// The server's events (<see cref="IChatClient"/>), bound by the generated binder: printed when interactive, and the
/// message a scripted run waits for completes <see cref="Expected"/>.
/// </summary>
internal sealed class ConsoleReceiver(string nickname, bool echo, string? expect) : IChatClient
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public TaskCompletionSource<ChatMessage> Expected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Messages already shown (the join's history), so one delivered live as well is not shown twice.</summary>
    public void Seen(IEnumerable<ChatMessage> history)
    {
        lock (_seen)
        {
            foreach (var message in history)
            {
                _seen.Add(message.Id);
            }
        }
    }

    public Task Message(ChatMessage message)
    {
        lock (_seen)
        {
            if (!_seen.Add(message.Id))
            {
                return Task.CompletedTask;
            }
        }

        if (echo)
        {
            Print(message);
        }

        if (message.Text == expect && message.From != nickname)
        {
            Expected.TrySetResult(message);
        }

        return Task.CompletedTask;
    }

    public Task UserJoined(Presence presence) => Notice($"{presence.Nickname} joined {presence.Room}");

    public Task UserLeft(Presence presence) => Notice($"{presence.Nickname} left {presence.Room}");

    public Task Typing(TypingNotice notice) => notice.IsTyping ? Notice($"{notice.Nickname} is typing…") : Task.CompletedTask;

    public static void Print(ChatMessage message) =>
        Console.WriteLine($"[{message.Time.ToLocalTime():HH:mm:ss}] {message.From}: {message.Text}");

    private Task Notice(string text)
    {
        if (echo)
        {
            Console.WriteLine($"  ({text})");
        }

        return Task.CompletedTask;
    }
}
