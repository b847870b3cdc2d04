using Microsoft.CodeAnalysis;

namespace Typed.Generator.Parsing;

/// <summary>How symbols are written into models: <c>global::</c>-qualified with nullable annotations, as the emitted code needs.</summary>
internal static class SymbolFormats
{
    public static readonly SymbolDisplayFormat FullyQualified = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>For messages: <c>IChatServer.Join(string, CancellationToken)</c>.</summary>
    public static readonly SymbolDisplayFormat Member = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameOnly,
        memberOptions: SymbolDisplayMemberOptions.IncludeContainingType | SymbolDisplayMemberOptions.IncludeParameters,
        parameterOptions: SymbolDisplayParameterOptions.IncludeType,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes);
}
