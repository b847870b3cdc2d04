using System.Runtime.CompilerServices;
using Typed.SocketIO.Contracts.Internal;

namespace Typed.SocketIO.Contracts;

/// <summary>
/// The registry the generated code fills: each contract's module initializer registers its descriptor here, and
/// <c>CreateProxy&lt;T&gt;()</c>/<c>Register&lt;T&gt;(handler)</c> find it through a generic static cache — no reflection.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // generated code's glue, not for applications
public static class SocketContracts
{
    /// <summary>Registers a contract's generated code (called by generated module initializers).</summary>
    public static void Register<TContract>(SocketContractDescriptor<TContract> descriptor)
        where TContract : class
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        Cache<TContract>.Descriptor = descriptor;
    }

    /// <summary>The generated code of <typeparamref name="TContract"/>.</summary>
    /// <exception cref="InvalidOperationException">The interface is not a <c>[SocketContract]</c> compiled with the Typed generator.</exception>
    public static SocketContractDescriptor<TContract> Get<TContract>()
        where TContract : class
    {
        var descriptor = Cache<TContract>.Descriptor;
        if (descriptor is null)
        {
            // A module initializer runs on first use of its module, which naming a type in a generic argument is not.
            RuntimeHelpers.RunModuleConstructor(typeof(TContract).Module.ModuleHandle);
            descriptor = Cache<TContract>.Descriptor;
        }

        return descriptor ?? throw new InvalidOperationException(
            $"{typeof(TContract)} has no generated code: mark it [SocketContract] and reference the Typed generator in the project that declares it "
            + $"({typeof(TContract).Assembly.GetName().Name}): <ProjectReference Include=\"…/Typed.Generator.csproj\" OutputItemType=\"Analyzer\" "
            + "ReferenceOutputAssembly=\"false\" /> (the Typed.SocketIO package brings it).");
    }

    /// <summary>Disposes every subscription at once (generated binders return one per contract).</summary>
    public static IDisposable Combine(IDisposable[] subscriptions)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        return new CompositeSubscription(subscriptions);
    }

    private static class Cache<TContract>
        where TContract : class
    {
        public static SocketContractDescriptor<TContract>? Descriptor;
    }
}
