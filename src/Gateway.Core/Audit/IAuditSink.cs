using AccessTokenGateway.Outcomes;

namespace AccessTokenGateway.Audit;

/// <summary>Where audit records go. A write either lands or throws <see cref="DependencyUnavailableException"/> (<see cref="Dependency.AuditTrail"/>): the gateway fails closed, nothing is applied without its record of intent.</summary>
public interface IAuditSink
{
    Task WriteAsync(AuditRecord record, CancellationToken cancellationToken);
}
