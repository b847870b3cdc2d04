using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;

namespace Typed.Interop.Tests.Packages;

/// <summary>
/// The NuGet packages work from a clean feed (docs/packages.md): eng/package-smoke.sh packs Typed.sln into a
/// temporary folder feed, builds a typed hub server and publishes a typed client with NativeAOT (zero warnings) from
/// those packages only (tests/Typed.PackageSmoke, outside the repository), and runs them against each other on
/// 127.0.0.1, the server scaled out on a real redis-server through Typed.SocketIO.Redis. Needs Typed.sln built in
/// Release (./test.sh has built it; the script packs with --no-build).
/// </summary>
[Trait("Category", TestCategories.Aot)]
public sealed class PackageSmokeTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "typed-package-smoke-" + Guid.NewGuid().ToString("N"));

    private static string RepositoryRoot => Path.GetFullPath(Path.Combine(NodeScript.ScriptsFolder, "..", ".."));

    [Fact]
    public async Task An_app_built_from_the_packages_only_exchanges_an_acked_event_through_Redis_and_the_client_publishes_with_NativeAOT()
    {
        await using var redis = await RedisServer.StartAsync();

        // Bounded: packing, two restores and a NativeAOT publish take two to three minutes on 2 busy cores.
        var (exitCode, stdout, stderr, _) = await ChildProcess.RunAsync("bash",
            [Path.Combine(RepositoryRoot, "eng", "package-smoke.sh"), "--no-build", "--redis", redis.Address, _work], TimeSpan.FromMinutes(10), RepositoryRoot);

        Assert.True(exitCode == 0, $"eng/package-smoke.sh exited {exitCode}:\n{stdout}\n{stderr}");
        Assert.Contains("package-smoke: client published with 0 warnings", stdout, StringComparison.Ordinal);
        Assert.Contains($"package-smoke: the server scales out on Redis {redis.Address}", stdout, StringComparison.Ordinal);
        Assert.Contains("""package-smoke: client {"ack":{"text":"hello packages","number":42},"event":{"text":"hello packages","number":42}}""", stdout, StringComparison.Ordinal);
        Assert.EndsWith("package-smoke: ok", stdout.TrimEnd(), StringComparison.Ordinal);

        // The event back to the client was an entry of the Redis stream (streams mode, recovery on), read back by
        // the adapter's loop: the Redis package worked from its package, StackExchange.Redis included.
        Assert.Equal(":1", await redis.CommandAsync(["XLEN"u8.ToArray(), "socket.io"u8.ToArray()]));

        // The packages themselves: the generator is inside Typed.SocketIO (once: the server package gets it through
        // its dependency), and it needs nothing in the compiler but netstandard, Roslyn and Roslyn's own dependencies.
        var feed = Path.Combine(_work, "feed");
        var abstractions = Path.GetFileNameWithoutExtension(Assert.Single(Directory.GetFiles(feed, "Typed.Abstractions.*.nupkg")));
        var version = abstractions["Typed.Abstractions.".Length..];
        Assert.Contains("-smoke.", version, StringComparison.Ordinal);
        var ids = Directory.GetFiles(feed, "*.nupkg").Select(p => Path.GetFileName(p)[..^$".{version}.nupkg".Length]).ToHashSet();
        Assert.Superset(new HashSet<string> { "Typed.Abstractions", "Typed.SocketIO", "Typed.SocketIO.AspNetCore", "Typed.SocketIO.Redis" }, ids);
        Assert.DoesNotContain("Typed.Generator", ids);
        Assert.All(ids, id => Assert.True(File.Exists(Path.Combine(feed, $"{id}.{version}.snupkg")), $"{id} has no symbols package"));

        using var client = ZipFile.OpenRead(Path.Combine(feed, $"Typed.SocketIO.{version}.nupkg"));
        var generator = client.GetEntry("analyzers/dotnet/cs/Typed.Generator.dll");
        Assert.NotNull(generator);
        Assert.NotNull(client.GetEntry("README.md"));
        foreach (var id in new[] { "Typed.SocketIO.AspNetCore", "Typed.SocketIO.Redis" })
        {
            using var package = ZipFile.OpenRead(Path.Combine(feed, $"{id}.{version}.nupkg"));
            Assert.DoesNotContain(package.Entries, e => e.FullName.StartsWith("analyzers/", StringComparison.Ordinal));
        }

        // The Redis package's dependencies (docs/packages.md): the server package at this version, and its Redis client.
        var dependencies = Dependencies(Path.Combine(feed, $"Typed.SocketIO.Redis.{version}.nupkg"));
        Assert.Equal(["StackExchange.Redis", "System.IO.Hashing", "Typed.SocketIO.AspNetCore"], dependencies.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(version, dependencies["Typed.SocketIO.AspNetCore"]);

        var references = GeneratorReferences(generator);
        string[] inTheCompiler = ["netstandard", "Microsoft.CodeAnalysis", "Microsoft.CodeAnalysis.CSharp", "System.Collections.Immutable", "System.Reflection.Metadata"];
        Assert.All(references, name => Assert.True(inTheCompiler.Contains(name),
            $"Typed.Generator.dll references {name}, which the compiler does not provide: {string.Join(", ", references)}"));
    }

    /// <summary>The package's dependencies (id, version) as its .nuspec lists them.</summary>
    private static Dictionary<string, string> Dependencies(string nupkg)
    {
        using var package = ZipFile.OpenRead(nupkg);
        var nuspec = Assert.Single(package.Entries, e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspec.Open();
        return XDocument.Load(stream).Descendants().Where(e => e.Name.LocalName == "dependency")
            .ToDictionary(e => (string)e.Attribute("id")!, e => (string)e.Attribute("version")!);
    }

    private static List<string> GeneratorReferences(ZipArchiveEntry generator)
    {
        using var bytes = new MemoryStream();
        using (var stream = generator.Open())
        {
            stream.CopyTo(bytes);
        }

        bytes.Position = 0;
        using var pe = new PEReader(bytes);
        var metadata = pe.GetMetadataReader();
        return [.. metadata.AssemblyReferences.Select(handle => metadata.GetString(metadata.GetAssemblyReference(handle).Name))];
    }

    public void Dispose()
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }
}
