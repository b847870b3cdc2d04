namespace Typed.Generator.Model;

/// <summary>
/// A hub's TypeScript event maps: the generated C# file's hint name, the <c>.ts</c> file name the build target writes
/// (<see cref="FileName"/>), and the TypeScript text. Text only, so the pipeline step compares by value and an edit
/// that changes nothing on the wire regenerates nothing.
/// </summary>
internal sealed record TypeScriptFile(string HintName, string FileName, string Text);
