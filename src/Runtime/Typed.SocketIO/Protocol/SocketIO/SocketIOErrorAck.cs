using System.Text.Json;

namespace Typed.SocketIO.Protocol;

/// <summary>
/// The wire shape of an error acknowledgement, Typed's convention on top of Socket.IO (which has none): an ACK whose
/// only argument is an object with the single property <c>$error</c>,
/// <c>[{"$error":{"code":"binding_error","message":"…","parameter":"room","position":0}}]</c>. A plain JavaScript
/// client reads it as <c>const res = await socket.emitWithAck("join", 1); if (res?.$error) …</c>; a typed .NET proxy
/// turns it into a <see cref="SocketInvocationException"/>. The <c>$</c> keeps it apart from results that have an
/// <c>error</c> property of their own.
/// </summary>
public static class SocketIOErrorAck
{
    /// <summary>The property that marks an error acknowledgement.</summary>
    public const string PropertyName = "$error";

    /// <summary>Writes <paramref name="error"/> as the acknowledgement's only argument.</summary>
    public static void Write(Utf8JsonWriter writer, SocketIOError error)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(error);
        writer.WriteStartObject();
        writer.WriteStartObject(PropertyName);
        writer.WriteString("code"u8, error.Code);
        writer.WriteString("message"u8, error.Message);
        if (error.Parameter is not null)
        {
            writer.WriteString("parameter"u8, error.Parameter);
        }

        if (error.Position is { } position)
        {
            writer.WriteNumber("position"u8, position);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>
    /// Whether <paramref name="arguments"/> (a received acknowledgement) is an error acknowledgement, and its content.
    /// Exactly one argument, an object whose only property is <c>$error</c> holding an object with string <c>code</c>
    /// and <c>message</c>; anything else is an ordinary result.
    /// </summary>
    public static bool TryRead(SocketIOArguments arguments, out SocketIOError? error)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        error = null;
        if (arguments.Count != 1)
        {
            return false;
        }

        var json = arguments.GetRawJson(0).Span;
        if (json.IsEmpty || json[0] != (byte)'{' || json.IndexOf("\"$error\""u8) < 0)
        {
            return false; // the common case, results, decided without parsing
        }

        var reader = new Utf8JsonReader(json);
        try
        {
            reader.Read(); // {
            if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals(PropertyName) ||
                !reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            string? code = null, message = null, parameter = null;
            int? position = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "code" when reader.TokenType == JsonTokenType.String:
                        code = reader.GetString();
                        break;
                    case "message" when reader.TokenType == JsonTokenType.String:
                        message = reader.GetString();
                        break;
                    case "parameter" when reader.TokenType == JsonTokenType.String:
                        parameter = reader.GetString();
                        break;
                    case "position" when reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var p):
                        position = p;
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            // The error object must be the outer object's only property.
            if (code is null || message is null || !reader.Read() || reader.TokenType != JsonTokenType.EndObject)
            {
                return false;
            }

            error = new SocketIOError(code, message, parameter, position);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
