using System.Text;

namespace Typed.Generator.Emitting;

/// <summary>Writes C# with four-space indentation and <c>\n</c> line ends, whatever the machine (deterministic output).</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;

    public SourceWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            _builder.Append(' ', _indent * 4);
        }

        _builder.Append(text).Append('\n');
        return this;
    }

    public SourceWriter Open(string text)
    {
        Line(text);
        Line("{");
        _indent++;
        return this;
    }

    /// <summary>A declaration whose constraint clause goes on its own line, before the brace.</summary>
    public SourceWriter Open(string text, string constraint)
    {
        Line(text);
        Line("    " + constraint);
        Line("{");
        _indent++;
        return this;
    }

    public SourceWriter Close(string suffix = "")
    {
        _indent--;
        return Line("}" + suffix);
    }

    public override string ToString() => _builder.ToString();
}
