namespace AccessTokenGateway.Audit;

/// <summary>Where audit records go. A write either lands or throws <see cref="AuditUnavailableException"/>.</summary>
public interface IAuditSink
{
    Task WriteAsync(AuditRecord record, CancellationToken cancellationToken);
}

/// <summary>The audit queue could not be written. The gateway fails closed: nothing is applied without its record of intent.</summary>
public sealed class AuditUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
