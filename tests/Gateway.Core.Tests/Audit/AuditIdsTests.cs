using AccessTokenGateway.Changes;
using AccessTokenGateway.Functions.Queue;
using Azure.Storage.Queues.Models;

namespace AccessTokenGateway.Tests.Audit;

/// <summary>Every delivery of one queue message is one audit id; two messages never share one.</summary>
public sealed class AuditIdsTests
{
    private static QueueMessage Message(string id, long dequeueCount) =>
        QueuesModelFactory.QueueMessage(id, "pop", BinaryData.FromString("{}"), dequeueCount);

    [Fact]
    public void Each_delivery_of_a_message_carries_the_audit_id_its_message_id_fixes()
    {
        var first = AccessTokenChangesFunction.ToRequest(Message("2c5e1f0a-7b1d-4c59-9f3e-0d8b6a1c2e4f", 1), 5);
        var retry = AccessTokenChangesFunction.ToRequest(Message("2c5e1f0a-7b1d-4c59-9f3e-0d8b6a1c2e4f", 2), 5);
        var other = AccessTokenChangesFunction.ToRequest(Message("9d0c3b2a-1e4f-4a5b-8c7d-6e5f4a3b2c1d", 1), 5);

        Assert.Equal(first.AuditId, retry.AuditId);
        Assert.NotEqual(first.AuditId, other.AuditId);
        Assert.Matches("^[0-9a-f]{32}$", first.AuditId);
        Assert.Equal(AuditIds.ForQueueMessage("2c5e1f0a-7b1d-4c59-9f3e-0d8b6a1c2e4f"), first.AuditId);
    }
}
