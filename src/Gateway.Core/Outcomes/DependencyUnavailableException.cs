namespace AccessTokenGateway.Outcomes;

/// <summary>
/// The one exception a port throws: <see cref="Dependency"/> could not be reached or used. The pipeline turns it into
/// <see cref="Unavailable"/>; the message names no secret (ports describe failures by status and type only).
/// </summary>
public sealed class DependencyUnavailableException(Dependency dependency, string message, Exception? inner = null) : Exception(message, inner)
{
    public Dependency Dependency { get; } = dependency;
}
