using System.Diagnostics;
using AccessTokenGateway.Diagnostics;

namespace AccessTokenGateway.DatoCms;

/// <summary>Paces every HTTP attempt through the instance's <see cref="DatoCmsPacer"/> and shows it DatoCMS's answer.</summary>
internal sealed class PacingHandler(DatoCmsPacer pacer, Microsoft.Extensions.Options.IOptions<DatoCmsOptions> options) : DelegatingHandler
{
    /// <summary>When the call's first attempt reached the pacer, plus the call's total time-out.</summary>
    internal static readonly HttpRequestOptionsKey<DateTimeOffset> DeadlineKey = new("AccessTokenGateway.DatoCmsDeadline");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(DeadlineKey, out var deadline))
        {
            deadline = pacer.Time.GetUtcNow() + options.Value.TotalTimeout;
            request.Options.Set(DeadlineKey, deadline);
        }
        var waitStarted = Stopwatch.GetTimestamp();
        var slot = await pacer.AcquireAsync(request.Method == HttpMethod.Get, deadline, cancellationToken).ConfigureAwait(false);
        GatewayMetrics.PacerWait.Record(GatewayMetrics.ElapsedMs(waitStarted), new KeyValuePair<string, object?>("method", request.Method.Method));
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            pacer.NoAnswer(slot);
            throw;
        }
        pacer.Observe(slot, response);
        return response;
    }
}
