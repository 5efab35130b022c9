using System.Diagnostics.Metrics;
using AccessTokenGateway.Diagnostics;

namespace AccessTokenGateway.Benchmarks;

/// <summary>
/// Reads the benchmark's figures from the gateway's own meter (<see cref="GatewayMetrics"/>), as an operator's
/// dashboard would: the HTTP attempts sent to DatoCMS and its 429 answers, from when it was created until disposed.
/// </summary>
internal sealed class GatewayMeterReader : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _requests;
    private long _rateLimited;

    public GatewayMeterReader()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == GatewayMetrics.MeterName && instrument.Name is "gateway.datocms.requests" or "gateway.datocms.rate_limited")
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "gateway.datocms.requests") Interlocked.Add(ref _requests, value);
            else Interlocked.Add(ref _rateLimited, value);
        });
        _listener.Start();
    }

    /// <summary>HTTP attempts the gateway sent to DatoCMS (<c>gateway.datocms.requests</c>).</summary>
    public int Requests => (int)Interlocked.Read(ref _requests);

    /// <summary>DatoCMS's 429 answers (<c>gateway.datocms.rate_limited</c>).</summary>
    public int RateLimited => (int)Interlocked.Read(ref _rateLimited);

    public void Dispose() => _listener.Dispose();
}
