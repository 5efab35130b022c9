using System.Security.Cryptography;
using System.Text;

namespace AccessTokenGateway.Changes;

/// <summary>Audit ids fixed by the transport rather than minted per attempt.</summary>
public static class AuditIds
{
    /// <summary>
    /// The audit id of every delivery of one change-queue message: 32 hex digits (the form of a minted one) of the
    /// SHA-256 of the queue and message id. A retry after a crash or an unknown outcome then carries the first
    /// attempt's id, so its intent and the eventual outcome match. The storage service assigns message ids; a sender
    /// cannot choose one.
    /// </summary>
    public static string ForQueueMessage(string messageId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(QueueNames.Changes + "/" + messageId)))[..32];
}
