using System.Runtime.CompilerServices;

namespace Typed.SocketIO;

/// <summary>The registry of generated hub descriptors (a generic static cache: no reflection).</summary>
public static class SocketHubs
{
    /// <summary>Registers a hub's generated code (called by generated module initializers).</summary>
    public static void Register<THub>(SocketHubDescriptor<THub> descriptor)
        where THub : SocketHub
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        Cache<THub>.Descriptor = descriptor;
    }

    internal static SocketHubDescriptor<THub> Get<THub>()
        where THub : SocketHub
    {
        if (Cache<THub>.Descriptor is null)
        {
            RuntimeHelpers.RunModuleConstructor(typeof(THub).Module.ModuleHandle);
        }

        return Cache<THub>.Descriptor ?? throw new InvalidOperationException(
            $"{typeof(THub)} has no generated code: a hub must be a non-abstract, non-generic class implementing a [SocketContract] interface, in a project "
            + "where the Typed generator runs. Reference it there: <ProjectReference Include=\"…/Typed.Generator.csproj\" OutputItemType=\"Analyzer\" "
            + "ReferenceOutputAssembly=\"false\" /> (the Typed.SocketIO package brings it); the build then reports what else is wrong (TYPED030–TYPED034).");
    }

    private static class Cache<THub>
        where THub : SocketHub
    {
        public static SocketHubDescriptor<THub>? Descriptor;
    }
}
