using Microsoft.Extensions.Options;

namespace Typed.SocketIO.Redis.Internal;

/// <summary>Points <see cref="SocketIOOptions.AdapterFactory"/> at the Redis backplane.</summary>
internal sealed class RedisAdapterSetup(RedisBackplane backplane) : IConfigureOptions<SocketIOOptions>
{
    public void Configure(SocketIOOptions options) => options.AdapterFactory = backplane.CreateAdapter;
}
