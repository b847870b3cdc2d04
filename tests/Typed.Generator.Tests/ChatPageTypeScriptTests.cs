namespace Typed.Generator.Tests;

/// <summary>
/// The chat sample's page is TypeScript typed by the maps generated from its C# contracts
/// (samples/Chat/Chat.Server/scripts): the committed maps are what the generator writes, the committed app.js is
/// what tsc makes of app.ts, and a contract change that breaks the page fails tsc. Runs the pinned TypeScript 5.9.3
/// from tests/js with Node.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class ChatPageTypeScriptTests
{
    private static readonly string s_scripts = Path.Combine(RepositoryRoot(), "samples", "Chat", "Chat.Server", "scripts");

    [Fact]
    public void Committed_maps_are_what_the_generator_writes_for_the_chat_hub()
    {
        // The server's build writes scripts/ChatHub.d.ts (Typed.SocketIO.targets): after a build this compares the
        // extracted file with the generator's text, byte for byte.
        Assert.Equal(ChatMaps(ChatContracts()), File.ReadAllText(Path.Combine(s_scripts, "ChatHub.d.ts")));
    }

    [Fact]
    public async Task Committed_app_js_is_a_fresh_compile_of_app_ts()
    {
        using var output = new TempFolder();
        var run = await Tsc("-p", s_scripts, "--outDir", output.Path);

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Equal(
            File.ReadAllText(Path.Combine(output.Path, "app.js")),
            File.ReadAllText(Path.Combine(s_scripts, "..", "wwwroot", "app.js")));
    }

    [Fact]
    public async Task The_page_compiles_against_the_unchanged_contracts()
    {
        var run = await CompilePage(ChatContracts());

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
    }

    [Theory]
    [InlineData("Task<JoinResult> Join(", "Task<JoinResult> Enter(", "error TS2345: Argument of type '\"join\"' is not assignable")]
    [InlineData("Task UserJoined(Presence presence);", "Task MemberJoined(Presence presence);", "error TS2345: Argument of type '\"userJoined\"' is not assignable")]
    [InlineData("record ChatMessage(string Id, string Room, string From,", "record ChatMessage(string Id, string Room, string Sender,", "error TS2339: Property 'from' does not exist")]
    [InlineData("Task Typing(string room, bool isTyping);", "Task Typing(string room, string isTyping);", "error TS2345: Argument of type 'boolean' is not assignable to parameter of type 'string'")]
    public async Task A_contract_change_that_breaks_the_page_fails_tsc(string before, string after, string expected)
    {
        var contracts = ChatContracts();
        Assert.Contains(before, contracts, StringComparison.Ordinal);

        var run = await CompilePage(contracts.Replace(before, after, StringComparison.Ordinal));

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(expected, run.Stdout, StringComparison.Ordinal);
    }

    /// <summary>Generates the maps from <paramref name="contracts"/> into a temporary folder beside a copy of app.ts, and type-checks it with the sample's tsconfig.</summary>
    private static async Task<ChildProcess.Result> CompilePage(string contracts)
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "ChatHub.d.ts"), ChatMaps(contracts));
        File.Copy(Path.Combine(s_scripts, "app.ts"), Path.Combine(folder.Path, "app.ts"));
        File.WriteAllText(Path.Combine(folder.Path, "tsconfig.json"), $$"""
            {
              "extends": {{System.Text.Json.JsonSerializer.Serialize(Path.Combine(s_scripts, "tsconfig.json"))}},
              "compilerOptions": { "noEmit": true, "rootDir": "." },
              "files": ["app.ts"]
            }
            """);
        return await Tsc("-p", folder.Path);
    }

    private static Task<ChildProcess.Result> Tsc(params string[] arguments) => ChildProcess.RunAsync(
        "node",
        [Path.Combine(NodeScript.ScriptsFolder, "node_modules", "typescript", "bin", "tsc"), "--pretty", "false", .. arguments],
        TimeSpan.FromSeconds(180));

    private static string ChatContracts() => File.ReadAllText(Path.Combine(RepositoryRoot(), "samples", "Chat", "Chat.Contracts", "ChatContracts.cs"));

    /// <summary>The maps of the chat hub, generated from the sample's sources in one compilation (the hub reads the contracts' attributes either way).</summary>
    private static string ChatMaps(string contracts)
    {
        var server = Path.Combine(RepositoryRoot(), "samples", "Chat", "Chat.Server");
        var compilation = GeneratorHarness.Compile(
            "Chat.Server",
            [],
            TypeScriptHarness.Usings,
            contracts,
            File.ReadAllText(Path.Combine(server, "ChatHub.cs")),
            File.ReadAllText(Path.Combine(server, "ChatRooms.cs")));
        return TypeScriptHarness.Maps(TypeScriptHarness.Run(compilation).Result, "ChatHub.d.ts");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Typed.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Typed.sln not found above " + AppContext.BaseDirectory);
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("typed-ts-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
