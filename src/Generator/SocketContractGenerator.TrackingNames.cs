namespace Typed.Generator;

public sealed partial class SocketContractGenerator
{
    /// <summary>Tracking names of the pipeline steps, so incremental tests can tell which steps re-ran.</summary>
    public static class TrackingNames
    {
        /// <summary>Each contract as parsed: its model, its parse diagnostics and where its events are declared.</summary>
        public const string Contracts = nameof(Contracts);

        /// <summary>Each contract's position-free generation model.</summary>
        public const string ContractModels = nameof(ContractModels);

        /// <summary>The assembly's defaults.</summary>
        public const string Defaults = nameof(Defaults);

        /// <summary>Every JSON context's known types.</summary>
        public const string JsonContexts = nameof(JsonContexts);

        /// <summary>Each contract with names and JSON context decided.</summary>
        public const string Resolved = nameof(Resolved);

        /// <summary>Each contract's located diagnostics.</summary>
        public const string ContractDiagnostics = nameof(ContractDiagnostics);

        /// <summary>The hub transform: one output per class the syntactic predicate let through.</summary>
        public const string HubCandidates = nameof(HubCandidates);

        /// <summary>Each hub's generation model.</summary>
        public const string Hubs = nameof(Hubs);

        /// <summary>Each hub's located diagnostics.</summary>
        public const string HubDiagnostics = nameof(HubDiagnostics);

        /// <summary>The located diagnostics of each <c>CreateProxy</c>/<c>Register</c> call.</summary>
        public const string UsageDiagnostics = nameof(UsageDiagnostics);
    }
}
