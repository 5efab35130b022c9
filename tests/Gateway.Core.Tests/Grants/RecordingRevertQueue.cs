using AccessTokenGateway.Grants;
using AccessTokenGateway.Outcomes;

namespace AccessTokenGateway.Tests.Grants;

/// <summary>A reverts queue that keeps what was sent, and when it was due.</summary>
public sealed class RecordingRevertQueue(Action<string>? onSend = null) : IRevertQueue
{
    public List<(RevertMessage Message, DateTimeOffset Due)> Sent { get; } = [];
    public bool Down { get; set; }

    public Task SendAsync(RevertMessage message, DateTimeOffset due, CancellationToken cancellationToken)
    {
        onSend?.Invoke("revert queued");
        if (Down) return Task.FromException(new DependencyUnavailableException(Dependency.RevertSchedule, "queue down"));
        lock (Sent) Sent.Add((message, due));
        return Task.CompletedTask;
    }
}
