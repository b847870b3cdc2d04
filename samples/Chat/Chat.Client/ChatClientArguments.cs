using Typed.SocketIO;
using Typed.SocketIO.Client;

namespace Chat.Client;

/// <summary>The command line: <c>&lt;serverUrl&gt; &lt;nickname&gt; &lt;room&gt; [--say text]... [--expect text] [--timeout s] [--transport t]</c>.</summary>
internal sealed class ChatClientArguments
{
    public required Uri Server { get; init; }

    public required string Nickname { get; init; }

    public required string Room { get; init; }

    public List<string> Say { get; } = [];

    public string? Expect { get; private set; }

    public TimeSpan Timeout { get; private set; } = TimeSpan.FromSeconds(20);

    public EngineIOTransports Transports { get; private set; } = EngineIOTransports.Polling | EngineIOTransports.WebSocket;

    /// <summary>Non-interactive: <c>--say</c> or <c>--expect</c> was given.</summary>
    public bool Scripted => Say.Count > 0 || Expect is not null;

    public static bool TryParse(string[] args, out ChatClientArguments options, out string error)
    {
        options = null!;
        error = "";
        var positional = new List<string>();
        var named = new List<(string Name, string Value)>();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(args[i]);
            }
            else if (i + 1 < args.Length)
            {
                named.Add((args[i], args[++i]));
            }
            else
            {
                error = $"{args[i]} needs a value";
                return false;
            }
        }

        if (positional.Count != 3)
        {
            error = "expected three arguments: the server URL, a nickname and a room";
            return false;
        }

        if (!Uri.TryCreate(positional[0], UriKind.Absolute, out var server) || server.Scheme is not ("http" or "https"))
        {
            error = $"'{positional[0]}' is not an http(s) URL, e.g. http://127.0.0.1:5000";
            return false;
        }

        if ((ChatLimits.CheckNickname(positional[1]) ?? ChatLimits.CheckRoom(positional[2])) is { } invalid)
        {
            error = invalid;
            return false;
        }

        var result = new ChatClientArguments { Server = server, Nickname = positional[1].Trim(), Room = positional[2] };
        foreach (var (name, value) in named)
        {
            switch (name)
            {
                case "--say":
                    result.Say.Add(value);
                    break;
                case "--expect":
                    result.Expect = value;
                    break;
                case "--timeout" when double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0:
                    result.Timeout = TimeSpan.FromSeconds(seconds);
                    break;
                case "--transport" when value is "polling" or "websocket":
                    result.Transports = value == "polling" ? EngineIOTransports.Polling : EngineIOTransports.WebSocket;
                    break;
                default:
                    error = $"unknown option or bad value: {name} {value}";
                    return false;
            }
        }

        options = result;
        return true;
    }
}
