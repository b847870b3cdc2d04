using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace Typed.SocketIO;

/// <summary>
/// Hub filters: for every hub (<c>services.Configure&lt;SocketHubOptions&gt;(…)</c>) or one
/// (<c>app.MapSocketHub&lt;THub&gt;("/ns", o =&gt; …)</c>).
/// </summary>
public sealed class SocketHubOptions
{
    internal List<Func<IServiceProvider, ISocketHubFilter>> Filters { get; } = [];

    /// <summary>
    /// Adds a filter of type <typeparamref name="TFilter"/>: the registered service if there is one, else an instance
    /// created with its constructor dependencies from DI, once per mapped hub.
    /// </summary>
    public SocketHubOptions AddFilter<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFilter>()
        where TFilter : class, ISocketHubFilter
    {
        Filters.Add(static services => services.GetService<TFilter>() ?? ActivatorUtilities.CreateInstance<TFilter>(services));
        return this;
    }

    /// <summary>Adds <paramref name="filter"/>, shared by every hub it applies to.</summary>
    public SocketHubOptions AddFilter(ISocketHubFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        Filters.Add(_ => filter);
        return this;
    }
}
