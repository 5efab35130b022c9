namespace AccessTokenGateway.DatoCms;

/// <summary>
/// Asks DatoCMS whether it is there, through the CMA client's own handlers (the same pacer and budget, the same circuit
/// breaker): an unauthenticated <c>GET /site</c>, so no secret goes out. Any answer below 500 (a 401, as expected)
/// means DatoCMS is reachable; a 5xx, no answer or an open circuit means it is not.
/// </summary>
public sealed class DatoCmsProbe(IHttpClientFactory clients)
{
    public async Task<bool> ReachableAsync(CancellationToken cancellationToken)
    {
        var http = clients.CreateClient(nameof(IDatoCmsClient)); // the typed client's name: its handlers and base address
        using var request = new HttpRequestMessage(HttpMethod.Get, "site");
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Add("X-Api-Version", "3");
        request.Options.Set(AttemptCounter.Key, new AttemptCounter());
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return (int)response.StatusCode < 500;
        }
        catch (RateLimitWaitTooLongException)
        {
            // The pacer has no slot to spare: this instance's traffic is using DatoCMS's budget, which it answered recently.
            return true;
        }
    }
}
