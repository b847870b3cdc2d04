using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Typed.Generator.Emitting;

/// <summary>
/// Names as they appear in the TypeScript file: JSON property names under System.Text.Json's naming policies (ported,
/// so the TypeScript names are the ones the serializer writes), and keys and parameters made valid TypeScript.
/// </summary>
internal static class TypeScriptNaming
{
    // Words TypeScript refuses as a parameter name (reserved and strict-mode reserved words).
    private static readonly HashSet<string> s_reserved = new(System.StringComparer.Ordinal)
    {
        "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum",
        "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null",
        "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with",
        "implements", "interface", "let", "package", "private", "protected", "public", "static", "yield", "await",
    };

    /// <summary>A property name under a <c>JsonKnownNamingPolicy</c> value, as System.Text.Json converts it.</summary>
    public static string JsonName(string name, int policy) => policy switch
    {
        TypeScriptJsonOptions.CamelCase => CamelCase(name),
        TypeScriptJsonOptions.SnakeCaseLower => Separated(name, '_', lowercase: true),
        TypeScriptJsonOptions.SnakeCaseUpper => Separated(name, '_', lowercase: false),
        TypeScriptJsonOptions.KebabCaseLower => Separated(name, '-', lowercase: true),
        TypeScriptJsonOptions.KebabCaseUpper => Separated(name, '-', lowercase: false),
        _ => name,
    };

    /// <summary>An object key or interface member: bare when it is an identifier, else a string literal.</summary>
    public static string Key(string name) => IsIdentifier(name) ? name : Literal(name);

    /// <summary>A parameter name TypeScript accepts: a reserved word gets a trailing underscore.</summary>
    public static string Parameter(string name)
    {
        var bare = name.TrimStart('@');
        return s_reserved.Contains(bare) || !IsIdentifier(bare) ? bare + "_" : bare;
    }

    /// <summary>A JSON (hence TypeScript) string literal.</summary>
    public static string Literal(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case < ' ' or '\u2028' or '\u2029':
                    builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    public static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] is '_' or '$'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsLetterOrDigit(c) || c is '_' or '$'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>System.Text.Json's <c>JsonNamingPolicy.CamelCase</c>: the leading run of capitals is lowered, except the one before a lower-case letter.</summary>
    private static string CamelCase(string name)
    {
        if (name.Length == 0 || !char.IsUpper(name[0]))
        {
            return name;
        }

        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (i == 1 && !char.IsUpper(chars[i]))
            {
                break;
            }

            var hasNext = i + 1 < chars.Length;
            if (i > 0 && hasNext && !char.IsUpper(chars[i + 1]))
            {
                if (chars[i + 1] == ' ')
                {
                    chars[i] = char.ToLowerInvariant(chars[i]);
                }

                break;
            }

            chars[i] = char.ToLowerInvariant(chars[i]);
        }

        return new string(chars);
    }

    /// <summary>System.Text.Json's <c>JsonSeparatorNamingPolicy</c> (snake_case, kebab-case, lower or upper).</summary>
    private static string Separated(string name, char separator, bool lowercase)
    {
        var builder = new StringBuilder(name.Length + 4);
        var state = 0; // 0 not started, 1 upper-case letter, 2 lower-case letter or digit, 3 space
        for (var i = 0; i < name.Length; i++)
        {
            var current = name[i];
            switch (char.GetUnicodeCategory(current))
            {
                case UnicodeCategory.UppercaseLetter:
                    if (state is 2 or 3 || (state == 1 && i + 1 < name.Length && char.GetUnicodeCategory(name[i + 1]) == UnicodeCategory.LowercaseLetter))
                    {
                        builder.Append(separator);
                    }

                    builder.Append(lowercase ? char.ToLowerInvariant(current) : current);
                    state = 1;
                    break;
                case UnicodeCategory.LowercaseLetter:
                case UnicodeCategory.DecimalDigitNumber:
                    if (state == 3)
                    {
                        builder.Append(separator);
                    }

                    builder.Append(lowercase ? current : char.ToUpperInvariant(current));
                    state = 2;
                    break;
                case UnicodeCategory.SpaceSeparator:
                    if (state != 0)
                    {
                        state = 3;
                    }

                    break;
                default:
                    builder.Append(current);
                    state = 0;
                    break;
            }
        }

        return builder.ToString();
    }
}
