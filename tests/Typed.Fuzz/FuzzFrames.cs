namespace Typed.Fuzz;

/// <summary>
/// Cuts a fuzz input into Engine.IO messages: each is a kind byte (even: text, odd: binary), a 16-bit little-endian
/// length, then that many bytes (fewer when the input ends first). Seeds are written in this form by
/// <c>tests/Typed.Fuzz/corpus/make-seeds.py</c>.
/// </summary>
internal static class FuzzFrames
{
    public static IEnumerable<(bool IsBinary, byte[] Message)> Split(byte[] input)
    {
        var position = 0;
        while (position < input.Length)
        {
            var isBinary = (input[position] & 1) == 1;
            var length = position + 2 < input.Length ? input[position + 1] | (input[position + 2] << 8) : 0;
            position = Math.Min(position + 3, input.Length);
            length = Math.Min(length, input.Length - position);
            yield return (isBinary, input.AsSpan(position, length).ToArray());
            position += length;
        }
    }
}
