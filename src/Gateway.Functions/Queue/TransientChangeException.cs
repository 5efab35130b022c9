using AccessTokenGateway.Changes;

namespace AccessTokenGateway.Functions.Queue;

/// <summary>Thrown so the Functions runtime retries the message (and finally moves it to the poison queue).</summary>
public sealed class TransientChangeException(ChangeResult result)
    : Exception($"Change {result.AuditId} failed transiently ({result.Outcome.Code ?? "outcome audit missing"}); the message will be retried.")
{
    public ChangeResult Result { get; } = result;
}
