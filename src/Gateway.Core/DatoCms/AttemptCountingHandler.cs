namespace AccessTokenGateway.DatoCms;

internal sealed class AttemptCountingHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(AttemptCounter.Key, out var counter)) counter.Increment();
        return base.SendAsync(request, cancellationToken);
    }
}
