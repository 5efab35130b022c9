using System.Diagnostics;
using AccessTokenGateway.Diagnostics;

namespace AccessTokenGateway.Tests.Support;

/// <summary>Every span of the gateway's <see cref="ActivitySource"/> that ended while it was alive.</summary>
public sealed class SpanRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly List<Activity> _spans = [];

    public SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GatewayActivity.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (_spans) _spans.Add(activity); },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyList<Activity> Spans
    {
        get { lock (_spans) return _spans.ToList(); }
    }

    /// <summary>The spans of one trace.</summary>
    public IReadOnlyList<Activity> InTrace(ActivityTraceId trace) => Spans.Where(s => s.TraceId == trace).ToList();

    public void Dispose() => _listener.Dispose();
}
