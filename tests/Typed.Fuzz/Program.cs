using SharpFuzz;
using Typed.Fuzz;

// Usage: Typed.Fuzz <target>                 under afl-fuzz (eng/fuzz.sh): persistent mode, inputs from AFL++
//        Typed.Fuzz <target> --replay <path>  runs a file, or every file of a folder, once, outside AFL++
// A target throws only when the decoder under test broke its contract (an exception other than its own error
// result, or an invariant such as decode(encode(x)) == x); AFL++ records that input as a crash.
if (args.Length == 0 || !FuzzTargets.TryGet(args[0], out var target))
{
    Console.Error.WriteLine("usage: Typed.Fuzz <target> [--replay <file-or-folder>]; targets: " + string.Join(", ", FuzzTargets.Names));
    return 2;
}

if (args.Length == 3 && args[1] == "--replay")
{
    var files = Directory.Exists(args[2]) ? Directory.GetFiles(args[2]).Order(StringComparer.Ordinal).ToArray() : [args[2]];
    foreach (var file in files)
    {
        target(File.ReadAllBytes(file));
    }

    Console.WriteLine($"{args[0]}: {files.Length} inputs replayed, no contract violation");
    return 0;
}

Fuzzer.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    target(copy.ToArray());
});
return 0;
