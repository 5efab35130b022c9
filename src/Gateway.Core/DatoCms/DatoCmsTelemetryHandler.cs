using System.Diagnostics;
using AccessTokenGateway.Diagnostics;

namespace AccessTokenGateway.DatoCms;

/// <summary>
/// The outermost handler: one span per CMA call (<c>DatoCMS GET</c>, <c>DatoCMS PUT</c>), around its retries and
/// pacing, with the status it ended with and the attempts it took. The request's URL names the token, never its secret.
/// </summary>
internal sealed class DatoCmsTelemetryHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var span = GatewayActivity.Source.StartActivity("DatoCMS " + request.Method.Method, ActivityKind.Client);
        span?.SetTag("http.request.method", request.Method.Method);
        span?.SetTag("url.path", request.RequestUri?.OriginalString);
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            span?.SetTag("http.response.status_code", (int)response.StatusCode);
            if ((int)response.StatusCode >= 500) span?.SetStatus(ActivityStatusCode.Error);
            return response;
        }
        catch (Exception ex)
        {
            span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
        finally
        {
            span?.SetTag("gateway.datocms.attempts", AttemptCounter.Sent(request));
        }
    }
}
