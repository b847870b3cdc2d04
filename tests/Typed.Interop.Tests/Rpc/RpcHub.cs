using Typed.SocketIO;

namespace Typed.Interop.Tests.Rpc;

/// <summary>What the hub's tests switch on: a constructor that throws, and what the hub saw.</summary>
public sealed class RpcHubState
{
    public bool ThrowInConstructor { get; set; }

    public int EventsServed;

    public int Connected;
}

/// <summary>
/// The hub of <see cref="IRpcServer"/>: refuses connections whose auth says <c>deny</c> by throwing in
/// <see cref="OnConnectedAsync"/> (reliability bug 4), and its constructor throws when <see cref="RpcHubState"/> says so.
/// </summary>
public sealed class RpcHub : SocketHub<IRpcClient>, IRpcServer
{
    private readonly RpcHubState _state;

    public RpcHub(RpcHubState state)
    {
        if (state.ThrowInConstructor)
        {
            throw new InvalidOperationException("constructor says no");
        }

        _state = state;
    }

    public override Task OnConnectedAsync()
    {
        if (Socket.Handshake.Auth.ValueKind == System.Text.Json.JsonValueKind.Object && Socket.Handshake.Auth.TryGetProperty("deny", out _))
        {
            throw new UnauthorizedAccessException("secret reason");
        }

        Interlocked.Increment(ref _state.Connected);
        return Task.CompletedTask;
    }

    public Task<int> Double(int n) => Served(n * 2);

    public Task<string> Greet(string name) => Served("hello " + name);

    public Task<string> Note(string? text) => Served(text ?? "(none)");

    public Task<int> Fail(string message)
    {
        Interlocked.Increment(ref _state.EventsServed);
        throw new InvalidOperationException(message);
    }

    public Task<int> Place(Order order) => Served(order.Quantity);

    public async Task<string> AskClient(int n)
    {
        try
        {
            return "ok:" + await Clients.Caller.Compute(n).ConfigureAwait(false);
        }
        catch (SocketInvocationException ex)
        {
            return $"{ex.Error.Code}:{ex.Error.Message}:{ex.Error.Parameter}:{ex.Error.Position}";
        }
    }

    private Task<T> Served<T>(T value)
    {
        Interlocked.Increment(ref _state.EventsServed);
        return Task.FromResult(value);
    }
}
