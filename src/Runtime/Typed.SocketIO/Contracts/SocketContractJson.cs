using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Typed.SocketIO.Contracts;

/// <summary>
/// Finds the source-generated <see cref="JsonTypeInfo{T}"/> generated code serializes a contract's types with. The
/// MessagePack parser transcodes to and from the same JSON-with-attachments form, so these serve both parsers and no
/// MessagePack formatter is ever needed. The metadata comes through the options <see cref="SocketIOJson.CreateOptions"/>
/// builds, so Typed's converters (binary as attachments, JavaScript dates) apply to the contract's types too.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // generated code's glue, not for applications
public static class SocketContractJson
{
    // One options instance per context (generated code passes each context's Default), so metadata is built once.
    private static readonly ConditionalWeakTable<JsonSerializerContext, JsonSerializerOptions> s_contextOptions = new();

    /// <summary>
    /// The metadata of <typeparamref name="T"/> from <paramref name="context"/> (a contract's <c>JsonContext</c>), else
    /// from the built-in types (strings, numbers, booleans, <see cref="JsonElement"/>…).
    /// </summary>
    /// <exception cref="NotSupportedException">Neither knows <typeparamref name="T"/>.</exception>
    public static JsonTypeInfo<T> GetTypeInfo<T>(JsonSerializerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Metadata taken from the context itself would be bound to the context's own options, which lack the
        // converters; the options built from it resolve the same source-generated metadata with them.
        var options = s_contextOptions.GetValue(context, static c => SocketIOJson.CreateOptions(c));
        return options.TryGetTypeInfo(typeof(T), out var typeInfo) && typeInfo is JsonTypeInfo<T> typed
            ? typed
            : throw Missing<T>(context.GetType().Name);
    }

    /// <summary>The metadata of <typeparamref name="T"/> from a socket's options (cached by the options), else the built-in types.</summary>
    /// <exception cref="NotSupportedException">Neither knows <typeparamref name="T"/>.</exception>
    public static JsonTypeInfo<T> GetTypeInfo<T>(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.TryGetTypeInfo(typeof(T), out var typeInfo) && typeInfo is JsonTypeInfo<T> typed)
        {
            return typed;
        }

        return SocketIOBuiltInJsonContext.Default.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
            ?? throw Missing<T>("the JsonSerializerContext passed to UseJson");
    }

    private static NotSupportedException Missing<T>(string where) => new(
        $"No JSON metadata for {typeof(T)}: add [JsonSerializable(typeof({typeof(T).Name}))] to {where}, or name that context in [SocketContract(JsonContext = …)] to have it checked at compile time.");
}
