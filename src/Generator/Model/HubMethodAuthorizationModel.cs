namespace Typed.Generator.Model;

/// <summary>The authorization attributes of the hub method handling <see cref="EventName"/>.</summary>
internal sealed record HubMethodAuthorizationModel(string EventName, bool AllowsAnonymous, EquatableArray<string> Data);
