using System.ComponentModel.DataAnnotations;

namespace AccessTokenGateway.Changes;

public sealed class ChangesOptions
{
    public const string SectionName = "Changes";

    /// <summary>The longest a change waits for another change to the same token to finish.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan TokenLockWait { get; set; } = TimeSpan.FromSeconds(30);
}
