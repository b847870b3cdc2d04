namespace Typed.Testing;

/// <summary>
/// The values of the <c>Category</c> trait every test class carries exactly one of, so a run can pick by what a test
/// needs: <c>dotnet test Typed.sln --filter Category=Unit</c> needs neither Node.js nor a browser.
/// Usage: <c>[Trait("Category", TestCategories.Unit)]</c> on the class.
/// </summary>
public static class TestCategories
{
    /// <summary>The trait name (xunit's <c>Trait</c>, which <c>--filter Category=…</c> matches).</summary>
    public const string Name = "Category";

    /// <summary>In-process only: codecs, parsers, the generator, state machines. No sockets, no Node, no browser.</summary>
    public const string Unit = "Unit";

    /// <summary>Our server over a real Kestrel (HTTP, WebSocket on loopback), driven by .NET code. No Node.</summary>
    public const string Protocol = "Protocol";

    /// <summary>Against the official npm packages run by Node.js (tests/js, installed by eng/setup.sh).</summary>
    public const string Interop = "Interop";

    /// <summary>In Chromium, through playwright-core.</summary>
    public const string Browser = "Browser";

    /// <summary>NativeAOT binaries published by test.sh (artifacts/…).</summary>
    public const string Aot = "Aot";

    public static IReadOnlyList<string> All { get; } = [Unit, Protocol, Interop, Browser, Aot];
}
