using System.Text.Json;
using Microsoft.CodeAnalysis;

namespace Typed.Generator.Tests;

/// <summary>
/// The TypeScript event maps the generator writes per hub (docs/typescript.md): event names, acknowledgement
/// callbacks, and each C# type as System.Text.Json and Typed's converters put it on the wire.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class TypeScriptMapTests
{
    private const string Events = """
        namespace App;

        [SocketContract(NamingPolicy = EventNamingPolicy.CamelCase)]
        public interface IServer
        {
            Task<Result> Join(string room, CancellationToken cancellationToken = default);
            Task Leave(string room);
            [SocketEvent("chat:send")]
            Task<(bool Ok, string? Error)> Send(string text, int? priority);
            ValueTask<int> CountAsync();
            Task<(int, string)> Pair(string function);
            ValueTask Upload(byte[] data, ReadOnlyMemory<byte> more);
        }

        [SocketContract(NamingPolicy = EventNamingPolicy.SnakeCaseLower)]
        public interface IClient
        {
            Task UserJoined(string name);
            Task<bool> Confirm(string question);
        }

        public sealed record Result(bool Ok, string Room);

        public sealed class ChatHub : SocketHub<IClient>, IServer
        {
            public Task<Result> Join(string room, CancellationToken cancellationToken) => Task.FromResult(new Result(true, room));
            public Task Leave(string room) => Task.CompletedTask;
            public Task<(bool Ok, string? Error)> Send(string text, int? priority) => Task.FromResult<(bool, string?)>((true, null));
            public ValueTask<int> CountAsync() => new(0);
            public Task<(int, string)> Pair(string function) => Task.FromResult((1, "a"));
            public ValueTask Upload(byte[] data, ReadOnlyMemory<byte> more) => default;
        }
        """;

    [Fact]
    public void Event_maps_have_the_event_names_arguments_and_ack_callbacks()
    {
        var maps = TypeScriptHarness.Maps(TypeScriptHarness.Run(true, Events), "ChatHub.d.ts");

        Assert.Contains("""
            export interface ServerToClientEvents {
              /** IClient.UserJoined */
              user_joined: (name: string) => void;
              /** IClient.Confirm */
              confirm: (question: string, callback: (result: boolean) => void) => void;
            }
            """, maps);
        Assert.Contains("""
            export interface ClientToServerEvents {
              /** IServer.Join */
              join: (room: string, callback: (result: Result) => void) => void;
              /** IServer.Leave */
              leave: (room: string) => void;
              /** IServer.Send */
              "chat:send": (text: string, priority: number | null, callback: (Ok: boolean, Error: string | null) => void) => void;
              /** IServer.CountAsync */
              count: (callback: (result: number) => void) => void;
              /** IServer.Pair */
              pair: (function_: string, callback: (item1: number, item2: string) => void) => void;
              /** IServer.Upload */
              upload: (data: ArrayBuffer | Uint8Array, more: ArrayBuffer | Uint8Array) => void;
            }
            """, maps);
        // No JsonContext: System.Text.Json's defaults, names as written.
        Assert.Contains("""
            export interface Result {
              Ok: boolean;
              Room: string;
            }
            """, maps);
    }

    [Fact]
    public void Nothing_is_generated_unless_the_project_sets_TypedTypeScriptOutputPath()
    {
        var result = TypeScriptHarness.Run(false, Events);

        Assert.DoesNotContain(result.GeneratedSources, s => s.HintName.EndsWith(".TypeScript.g.cs", StringComparison.Ordinal));
        Assert.Contains(TypeScriptHarness.Run(true, Events).GeneratedSources, s => s.HintName == "App.ChatHub.TypeScript.g.cs");
    }

    [Fact]
    public void Output_is_deterministic_and_the_generated_file_compiles_as_nothing()
    {
        var (first, output) = TypeScriptHarness.Run(GeneratorHarness.Compile(TypeScriptHarness.Usings, Events));
        var second = TypeScriptHarness.Run(true, Events);

        Assert.Equal(TypeScriptHarness.Maps(first, "ChatHub.d.ts"), TypeScriptHarness.Maps(second, "ChatHub.d.ts"));
        Assert.Equal(
            first.GeneratedSources.Single(s => s.HintName == "App.ChatHub.TypeScript.g.cs").SourceText.ToString(),
            second.GeneratedSources.Single(s => s.HintName == "App.ChatHub.TypeScript.g.cs").SourceText.ToString());

        // The TypeScript sits in a never-defined #if: the compiler reports nothing in that file, whatever it holds.
        var tree = output.SyntaxTrees.Single(t => t.FilePath.EndsWith("App.ChatHub.TypeScript.g.cs", StringComparison.Ordinal));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Location.SourceTree == tree));
        Assert.Empty(first.Diagnostics);
    }

    [Fact]
    public void An_edit_that_changes_nothing_on_the_wire_leaves_the_maps_unchanged()
    {
        var compilation = GeneratorHarness.Compile(TypeScriptHarness.Usings, Events);
        var driver = TypeScriptHarness.CreateDriver().RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(
            tree.GetText().ToString().Replace("=> Task.CompletedTask;", "=> Task.CompletedTask; // edited", StringComparison.Ordinal))));

        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var steps = result.TrackedSteps["TypeScriptMaps"].SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(steps);
        Assert.All(steps, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));

        var renamed = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(
            tree.GetText().ToString().Replace("Task Leave(string room);", "Task Quit(string room);", StringComparison.Ordinal))));
        var changed = driver.RunGenerators(renamed).GetRunResult().Results.Single();
        Assert.Contains(changed.TrackedSteps["TypeScriptMaps"].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("  quit: (room: string) => void;\n", TypeScriptHarness.Maps(changed, "ChatHub.d.ts"));
    }

    [Fact]
    public void An_event_name_that_looks_like_a_directive_stays_inside_the_block()
    {
        var (result, output) = TypeScriptHarness.Run(GeneratorHarness.Compile(TypeScriptHarness.Usings, """
            namespace App;
            [SocketContract]
            public interface IServer
            {
                [SocketEvent("#endif\n#error x")]
                Task Odd(string value);
            }
            public sealed class OddHub : SocketHub, IServer
            {
                public Task Odd(string value) => Task.CompletedTask;
            }
            """));

        Assert.Contains("  \"#endif\\u000a#error x\": (value: string) => void;\n", TypeScriptHarness.Maps(result, "OddHub.d.ts"));
        var tree = output.SyntaxTrees.Single(t => t.FilePath.EndsWith("App.OddHub.TypeScript.g.cs", StringComparison.Ordinal));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Location.SourceTree == tree));
    }

    private const string Payloads = """
        namespace App;

        public enum Color { Red, Green = 5 }

        [JsonConverter(typeof(JsonStringEnumConverter<Mood>))]
        public enum Mood { Happy, [JsonStringEnumMemberName("so-so")] SoSo }

        [Flags]
        public enum Perms { None = 0, Read = 1, Write = 2 }

        public sealed record Inner(string Name, Inner? Parent);

        public sealed record Payload(
            DateTimeOffset At, DateTime When, Guid Id, long Big, decimal Price, double Ratio, byte Small, char Letter, TimeSpan Span,
            byte[] Bytes, ReadOnlyMemory<byte> Memory, List<Inner> Items, IReadOnlyList<int?> Numbers, Dictionary<string, Inner> ByName,
            IReadOnlyDictionary<int, string[]> ByNumber, HashSet<string> Tags, int? Maybe, string? Note, Inner? Child,
            Color Color, Mood Mood, Perms Perms, [property: JsonPropertyName("x-custom")] string Custom,
            [property: JsonIgnore] string Secret, object Anything, JsonElement Raw)
        {
            public string URLValue { get; init; } = "";
            public static int NotSerialized => 0;
            public int Field;
        }

        [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
        [JsonSerializable(typeof(Payload))]
        public sealed partial class AppJson : JsonSerializerContext;

        [SocketContract(JsonContext = typeof(AppJson))]
        public interface IServer
        {
            Task<Payload> Echo(Payload payload);
        }

        public sealed class PayloadHub : SocketHub, IServer
        {
            public Task<Payload> Echo(Payload payload) => Task.FromResult(payload);
        }
        """;

    [Fact]
    public void Types_map_as_the_serializer_writes_them()
    {
        var maps = TypeScriptHarness.Maps(TypeScriptHarness.Run(true, Payloads), "PayloadHub.d.ts");

        Assert.Contains("export interface ServerToClientEvents {\n}\n", maps);
        Assert.Contains("  Echo: (payload: Payload, callback: (result: Payload) => void) => void;\n", maps);
        Assert.Contains("""
            export interface Payload {
              at: string;
              when: string;
              id: string;
              big: number;
              price: number;
              ratio: number;
              small: number;
              letter: string;
              span: string;
              bytes: ArrayBuffer | Uint8Array;
              memory: ArrayBuffer | Uint8Array;
              items: Inner[];
              numbers: (number | null)[];
              byName: Record<string, Inner>;
              byNumber: Record<string, string[]>;
              tags: string[];
              maybe: number | null;
              note: string | null;
              child: Inner | null;
              color: Color;
              mood: Mood;
              perms: Perms;
              "x-custom": string;
              anything: unknown;
              raw: unknown;
              urlValue: string;
            }
            """, maps);
        Assert.Contains("""
            export interface Inner {
              name: string;
              parent: Inner | null;
            }
            """, maps);
        Assert.Contains("/** App.Color (a number on the wire): Red = 0, Green = 5 */\nexport type Color = 0 | 5;\n", maps);
        Assert.Contains("export type Mood = \"Happy\" | \"so-so\";\n", maps);
        Assert.Contains("export type Perms = number;\n", maps);
        Assert.DoesNotContain("secret", maps, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("field", maps, StringComparison.OrdinalIgnoreCase); // fields only with IncludeFields
        Assert.DoesNotContain("notSerialized", maps, StringComparison.Ordinal);
    }

    [Fact]
    public void Context_options_decide_names_string_enums_fields_and_optional_keys()
    {
        var source = Payloads
            .Replace("[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]",
                "[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseUpper, UseStringEnumConverter = true, IncludeFields = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]",
                StringComparison.Ordinal);
        var maps = TypeScriptHarness.Maps(TypeScriptHarness.Run(true, source), "PayloadHub.d.ts");

        Assert.Contains("  BY_NAME: Record<string, Inner>;\n", maps);
        Assert.Contains("  URL_VALUE: string;\n", maps);
        Assert.Contains("  FIELD: number;\n", maps);
        Assert.Contains("  NOTE?: string | null;\n", maps); // left out when null: the key may be missing
        Assert.Contains("  MAYBE?: number | null;\n", maps);
        Assert.Contains("  SMALL: number;\n", maps);
        Assert.Contains("export type Color = \"Red\" | \"Green\";\n", maps);
        Assert.Contains("export type Perms = string;\n", maps); // a [Flags] combination is written "Read, Write"

        var web = Payloads.Replace("[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]",
            "[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]", StringComparison.Ordinal);
        Assert.Contains("  byName: Record<string, Inner>;\n", TypeScriptHarness.Maps(TypeScriptHarness.Run(true, web), "PayloadHub.d.ts"));
    }

    public static TheoryData<string> PropertyNames => new()
    {
        "Id", "URLValue", "IOStream", "XMLHttpRequest", "ABC", "A", "aB", "already_snake", "Name2Value", "Value1A",
        "IsTyping", "HTMLParser", "X", "myURL", "Café", "ÀÉÎ",
    };

    [Theory]
    [MemberData(nameof(PropertyNames))]
    public void Property_names_follow_System_Text_Json_naming_policies(string name)
    {
        Assert.Equal(JsonNamingPolicy.CamelCase.ConvertName(name), Emitting.TypeScriptNaming.JsonName(name, 1));
        Assert.Equal(JsonNamingPolicy.SnakeCaseLower.ConvertName(name), Emitting.TypeScriptNaming.JsonName(name, 2));
        Assert.Equal(JsonNamingPolicy.SnakeCaseUpper.ConvertName(name), Emitting.TypeScriptNaming.JsonName(name, 3));
        Assert.Equal(JsonNamingPolicy.KebabCaseLower.ConvertName(name), Emitting.TypeScriptNaming.JsonName(name, 4));
        Assert.Equal(JsonNamingPolicy.KebabCaseUpper.ConvertName(name), Emitting.TypeScriptNaming.JsonName(name, 5));
        Assert.Equal(name, Emitting.TypeScriptNaming.JsonName(name, 0));
    }

    [Fact]
    public void Contracts_from_a_referenced_assembly_take_that_assemblys_defaults()
    {
        var contracts = GeneratorHarness.Library("Contracts", withGenerator: true, TypeScriptHarness.Usings, """
            [assembly: SocketContractDefaults(NamingPolicy = EventNamingPolicy.KebabCaseLower)]
            namespace Shared;
            [SocketContract] public interface IServer { Task SendMessage(string text); Task<int> GetCountAsync(); }
            [SocketContract] public interface IClient { Task MessageReceived(string text); }
            """);
        var hub = GeneratorHarness.Compile("Server", [contracts], TypeScriptHarness.Usings, """
            namespace Server;
            public sealed class RemoteHub : SocketHub<Shared.IClient>, Shared.IServer
            {
                public Task SendMessage(string text) => Task.CompletedTask;
                public Task<int> GetCountAsync() => Task.FromResult(1);
            }
            """);

        var maps = TypeScriptHarness.Maps(TypeScriptHarness.Run(hub).Result, "RemoteHub.d.ts");

        Assert.Contains("  \"message-received\": (text: string) => void;\n", maps);
        Assert.Contains("  \"send-message\": (text: string) => void;\n", maps);
        Assert.Contains("  \"get-count\": (callback: (result: number) => void) => void;\n", maps);
    }

    [Fact]
    public void Streams_and_uploads_are_typed_per_the_convention_in_both_maps()
    {
        var maps = TypeScriptHarness.Maps(TypeScriptHarness.Run(true, """
            namespace App;

            [SocketContract(NamingPolicy = EventNamingPolicy.CamelCase)]
            public interface IServer
            {
                IAsyncEnumerable<Tick> Ticks(int count, CancellationToken cancellationToken = default);
                IAsyncEnumerable<int> Count(int to);
                Task<int> Store(string name, IAsyncEnumerable<string> lines);
                Task Ping();
            }

            [SocketContract(NamingPolicy = EventNamingPolicy.CamelCase)]
            public interface IClient
            {
                Task Receive(IAsyncEnumerable<bool> flags);
            }

            public sealed record Tick(int Seq);

            public sealed class StreamHub : SocketHub<IClient>, IServer
            {
                public IAsyncEnumerable<Tick> Ticks(int count, CancellationToken cancellationToken) => throw new NotSupportedException();
                public IAsyncEnumerable<int> Count(int to) => throw new NotSupportedException();
                public Task<int> Store(string name, IAsyncEnumerable<string> lines) => Task.FromResult(0);
                public Task Ping() => Task.CompletedTask;
            }
            """), "StreamHub.d.ts");

        // Each map emits the items of its own contract's uploads and of the other contract's streams (the client's
        // upload first: the client contract is written first), and grants credit for its own contract's streams and
        // the other contract's uploads.
        Assert.Contains("""
            export interface ServerToClientEvents {
              /** IClient.Receive */
              receive: (request: { $stream: string }, callback: () => void) => void;
              /** An item of an open stream (docs/streaming.md): never more than the credit granted. */
              "$stream": (id: string, item: boolean | Tick | number) => void;
              /** The end of a stream; with an error when the producer failed or cancelled. */
              "$stream-end": (id: string, error?: { $error: { code: string; message: string } }) => void;
              /** Credit: `credit` more items of the stream may be sent. */
              "$stream-ack": (id: string, credit: number) => void;
              /** Stop the stream: the producer sends nothing more. */
              "$stream-cancel": (id: string) => void;
            }
            """, maps);
        Assert.Contains("""
            export interface ClientToServerEvents {
              /** IServer.Ticks */
              ticks: (count: number, request: { $stream: string; credit: number }, callback: (accepted: { $stream: string }) => void) => void;
              /** IServer.Count */
              count: (to: number, request: { $stream: string; credit: number }, callback: (accepted: { $stream: string }) => void) => void;
              /** IServer.Store */
              store: (name: string, request: { $stream: string }, callback: (result: number) => void) => void;
              /** IServer.Ping */
              ping: () => void;
              /** An item of an open stream (docs/streaming.md): never more than the credit granted. */
              "$stream": (id: string, item: string) => void;
              /** The end of a stream; with an error when the producer failed or cancelled. */
              "$stream-end": (id: string, error?: { $error: { code: string; message: string } }) => void;
              /** Credit: `credit` more items of the stream may be sent. */
              "$stream-ack": (id: string, credit: number) => void;
              /** Stop the stream: the producer sends nothing more. */
              "$stream-cancel": (id: string) => void;
            }
            """, maps);
    }

    [Fact]
    public void Without_streams_the_convention_events_are_not_in_the_maps()
    {
        var maps = TypeScriptHarness.Maps(TypeScriptHarness.Run(true, Events), "ChatHub.d.ts");

        Assert.DoesNotContain("$stream", maps, StringComparison.Ordinal);
    }

    [Fact]
    public void A_method_shape_the_generator_refuses_is_left_out_with_a_comment()
    {
        var maps = TypeScriptHarness.Maps(TypeScriptHarness.Run(true, """
            namespace App;

            [SocketContract]
            public interface IServer
            {
                Task Upload(IAsyncEnumerable<string> lines, IAsyncEnumerable<int> more);
                Task Ping();
            }
            public sealed class StreamHub : SocketHub, IServer
            {
                public Task Upload(IAsyncEnumerable<string> lines, IAsyncEnumerable<int> more) => Task.CompletedTask;
                public Task Ping() => Task.CompletedTask;
            }
            """), "StreamHub.d.ts");

        Assert.Contains("  // IServer.Upload (\"Upload\") is not in this map: parameter 'more' of type System.Collections.Generic.IAsyncEnumerable<int> has no TypeScript mapping.\n", maps);
        Assert.Contains("  Ping: () => void;\n", maps);
    }
}
