using System.Collections.Concurrent;

namespace Typed.SocketIO.Hubs.Internal;

/// <summary>Which namespace each mapped hub serves (a DI singleton).</summary>
internal sealed class SocketHubMappings
{
    private readonly ConcurrentDictionary<Type, SocketIONamespace> _namespaces = new();

    public void Add(Type hub, SocketIONamespace ns)
    {
        if (!_namespaces.TryAdd(hub, ns))
        {
            throw new InvalidOperationException($"{hub} is already mapped, to {_namespaces[hub].Name}.");
        }
    }

    public SocketIONamespace Get(Type hub) => _namespaces.TryGetValue(hub, out var ns)
        ? ns
        : throw new InvalidOperationException($"{hub} is not mapped: call app.MapSocketHub<{hub.Name}>(\"/namespace\").");
}
