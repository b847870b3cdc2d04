using Microsoft.CodeAnalysis;
using Typed.Shared;

namespace Typed.Generator;

/// <summary>Every diagnostic the generator reports. Ids are stable: TYPED001–019 contracts, 020–029 JSON, 030–034 hubs and wiring, 035–036 acknowledgement timeouts.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Typed.SocketContracts";

    public static readonly DiagnosticDescriptor NotAnInterface = Error("TYPED001", "A socket contract must be an interface",
        "'{0}' is marked [SocketContract] but is not an interface");

    public static readonly DiagnosticDescriptor GenericMethod = Error("TYPED002", "Contract methods cannot be generic",
        "'{0}' is generic: an event's argument types must be known when the code is generated");

    public static readonly DiagnosticDescriptor RefParameter = Error("TYPED003", "Contract parameters cannot be ref, out or in",
        "Parameter '{0}' of '{1}' is passed by reference: events only carry values");

    public static readonly DiagnosticDescriptor UnsupportedReturnType = Error("TYPED004", "Unsupported return type",
        "'{0}' returns '{1}': a contract method returns Task, ValueTask, Task<T>, ValueTask<T> or IAsyncEnumerable<T> (a stream)");

    public static readonly DiagnosticDescriptor CancellationTokenNotLast = Error("TYPED005", "CancellationToken must be the last parameter",
        "Parameter '{0}' of '{1}' is a CancellationToken but not the only, last one: it is not sent, it cancels the wait for the acknowledgement");

    public static readonly DiagnosticDescriptor DuplicateEventName = Error("TYPED006", "Duplicate event name",
        "'{0}' has the event name '{1}', which '{2}' of the same contract already uses");

    public static readonly DiagnosticDescriptor ReservedEventName = Error("TYPED007", "Reserved event name",
        "'{0}' has the event name '{1}', which Socket.IO reserves (" + string.Join(", ", SocketIOReservedNames.EventNames) + ") or Typed's streams use (" + string.Join(", ", SocketIOReservedNames.StreamEventNames) + ")");

    public static readonly DiagnosticDescriptor PropertyOnContract = Error("TYPED008", "Contracts cannot have properties",
        "'{0}' is a property or indexer: a contract declares only methods (events)");

    public static readonly DiagnosticDescriptor EventOnContract = Error("TYPED009", "Contracts cannot have C# events",
        "'{0}' is a C# event: declare a method for each Socket.IO event instead");

    public static readonly DiagnosticDescriptor GenericContract = Error("TYPED010", "A socket contract cannot be generic",
        "'{0}' is generic or nested in a generic type: event argument types must be known when the code is generated");

    public static readonly DiagnosticDescriptor EmptyEventName = Error("TYPED011", "Empty event name",
        "'{0}' has an empty [SocketEvent] name");

    public static readonly DiagnosticDescriptor StaticMember = Error("TYPED012", "Contracts cannot have static members",
        "'{0}' is static: a contract declares only instance methods (events)");

    public static readonly DiagnosticDescriptor UnsupportedParameterType = Error("TYPED013", "Unsupported parameter type",
        "'{0}' of '{1}' has type '{2}', which cannot be sent: {3}");

    public static readonly DiagnosticDescriptor UnsupportedUploadStream = Error("TYPED015", "Unsupported upload stream",
        "'{0}' of '{1}' is an upload stream (IAsyncEnumerable<T>), which this method cannot take: {2}");

    public static readonly DiagnosticDescriptor InaccessibleContract = Error("TYPED014", "A socket contract must be accessible",
        "'{0}' is private or protected: the generated code beside it cannot implement it");

    public static readonly DiagnosticDescriptor TypeMissingFromJsonContext = Error("TYPED020", "Type missing from the JSON context",
        "'{0}' of '{1}' has type '{2}', which '{3}' does not declare or reach: add [JsonSerializable(typeof({2}))] to it (the call cannot work without it: it would fail at run time)");

    public static readonly DiagnosticDescriptor NotAJsonContext = Error("TYPED021", "JsonContext is not a JsonSerializerContext",
        "'{0}' is not a JsonSerializerContext with a static Default instance: name the source-generated context of your types");

    public static readonly DiagnosticDescriptor GenericHub = Error("TYPED030", "A hub cannot be generic",
        "Hub '{0}' is generic: its factory is generated, so its type must be closed");

    public static readonly DiagnosticDescriptor HubWithoutConstructor = Error("TYPED031", "A hub needs a public constructor",
        "Hub '{0}' has no public constructor for the generated factory to call");

    public static readonly DiagnosticDescriptor NotAContract = Error("TYPED032", "Not a socket contract",
        "'{0}' is not a [SocketContract] interface, so {1} has no generated code to use: mark the interface [SocketContract], or name one that is");

    public static readonly DiagnosticDescriptor HubWithoutContract = Error("TYPED033", "A hub must implement a contract",
        "Hub '{0}' implements no [SocketContract] interface, so no event reaches it: implement the contract of the events it handles");

    public static readonly DiagnosticDescriptor ContractWithoutGeneratedCode = Error("TYPED034", "The contract's generated code is missing",
        "'{0}' is declared in assembly '{1}', which has no generated code for it ('{2}' is missing): the Typed generator did not run there. "
        + "Reference it in that project: <ProjectReference Include=\"…/Typed.Generator.csproj\" OutputItemType=\"Analyzer\" ReferenceOutputAssembly=\"false\" /> (the Typed.SocketIO package brings it).");

    public static readonly DiagnosticDescriptor AckTimeoutNotPositive = Error("TYPED035", "An acknowledgement timeout must be positive",
        "'{0}' has [AckTimeout({1})]: the timeout is in milliseconds and must be greater than zero");

    public static readonly DiagnosticDescriptor AckTimeoutWithoutAck = Warning("TYPED036", "AckTimeout on an event without acknowledgement",
        "'{0}' has [AckTimeout] but returns no result, so no acknowledgement is awaited and the timeout does nothing: return Task<T> or remove it");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);
}
