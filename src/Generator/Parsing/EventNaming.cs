using System.Text;

namespace Typed.Generator.Parsing;

/// <summary>Applies an <c>EventNamingPolicy</c> (the values of Typed.EventNamingPolicy) to a method name.</summary>
internal static class EventNaming
{
    public const int AsWritten = 1;
    public const int CamelCase = 2;
    public const int SnakeCaseLower = 3;
    public const int KebabCaseLower = 4;

    public static string Apply(string methodName, int policy)
    {
        // "SendMessageAsync" names the event "SendMessage": the suffix is a .NET convention, not part of the event.
        var name = methodName.Length > 5 && methodName.EndsWith("Async", System.StringComparison.Ordinal)
            ? methodName.Substring(0, methodName.Length - 5)
            : methodName;
        return policy switch
        {
            CamelCase => char.ToLowerInvariant(name[0]) + name.Substring(1),
            SnakeCaseLower => Separate(name, '_'),
            KebabCaseLower => Separate(name, '-'),
            _ => name,
        };
    }

    /// <summary><c>SendHTMLMessage</c> → <c>send_html_message</c>: a word starts at a capital after a lower-case letter or digit, or before a lower-case letter in a run of capitals.</summary>
    private static string Separate(string name, char separator)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0)
            {
                var previous = name[i - 1];
                var startsWord = char.IsLower(previous) || char.IsDigit(previous)
                    || (char.IsUpper(previous) && i + 1 < name.Length && char.IsLower(name[i + 1]));
                if (startsWord)
                {
                    builder.Append(separator);
                }
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
