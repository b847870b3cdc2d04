namespace Typed.SocketIO.Contracts;

/// <summary>Writes the arguments of one emit or acknowledgement from <paramref name="state"/>.</summary>
/// <remarks>Generated code passes static lambdas and a value tuple of the arguments, so an emit allocates no closure.</remarks>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // generated code's glue, not for applications
public delegate void WriteArgumentsCallback<TState>(SocketIOArgumentWriter writer, in TState state);
