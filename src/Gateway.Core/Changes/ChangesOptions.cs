using System.ComponentModel.DataAnnotations;

namespace AccessTokenGateway.Changes;

public sealed class ChangesOptions
{
    public const string SectionName = "Changes";

    /// <summary>Must equal <c>extensions.queues.maxDequeueCount</c> in host.json: on that attempt a transient failure is audited as given up.</summary>
    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>The longest a change waits for another change to the same token to finish.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan TokenLockWait { get; set; } = TimeSpan.FromSeconds(30);
}
