using AccessTokenGateway.Diagnostics;

namespace AccessTokenGateway.DatoCms;

/// <summary>
/// The innermost handler: every HTTP attempt that reached DatoCMS, counted by method and status (0: no answer), its
/// 429s counted apart, and each answer noted in <see cref="DatoCmsAnswers"/> (the health check's evidence).
/// </summary>
internal sealed class AttemptMetricsHandler(DatoCmsAnswers answers) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var method = new KeyValuePair<string, object?>("method", request.Method.Method);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException or TimeoutException)
        {
            GatewayMetrics.DatoCmsRequests.Add(1, method, new("status", 0));
            answers.Failed();
            throw;
        }
        var status = (int)response.StatusCode;
        GatewayMetrics.DatoCmsRequests.Add(1, method, new("status", status));
        if (status == 429) GatewayMetrics.DatoCmsRateLimited.Add(1, method);
        if (status >= 500) answers.Failed();
        else answers.Answered();
        return response;
    }
}
