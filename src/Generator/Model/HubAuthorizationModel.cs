namespace Typed.Generator.Model;

/// <summary>
/// A hub's authorization attributes: each one as the C# expression that constructs it again in generated code (so the
/// runtime gets the attribute itself, as ASP.NET Core would, without reflection).
/// </summary>
internal sealed record HubAuthorizationModel(
    EquatableArray<string> Hub,
    bool HubAllowsAnonymous,
    EquatableArray<HubMethodAuthorizationModel> Methods);
