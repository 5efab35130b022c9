using System.ComponentModel.DataAnnotations;

namespace AccessTokenGateway.Health;

public sealed class HealthOptions
{
    public const string SectionName = "Health";

    /// <summary>How long one report answers every poll: a flood of polls costs one check per period, not one per poll.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The longest one dependency's check may take before it counts as down.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A DatoCMS answer this recent (to any change) is taken as evidence it is reachable, with no probe sent.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan DatoCmsEvidence { get; set; } = TimeSpan.FromMinutes(1);
}
