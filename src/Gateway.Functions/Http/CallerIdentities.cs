using AccessTokenGateway.Authentication;
using AccessTokenGateway.Changes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.Functions.Http;

/// <summary>
/// Who is calling, as far as the request shows it; never the credential itself. In order: the Easy Auth principal
/// (only where <c>Authentication:TrustAppServicePrincipal</c> says Easy Auth fronts the app), the function key's
/// name (the local host knows it), or anonymous. A valid webhook signature later makes an anonymous or key caller
/// the signer (<see cref="SignedRequestAuthenticator"/>).
/// </summary>
public static class CallerIdentities
{
    public static CallerIdentity From(HttpRequest request)
    {
        var options = request.HttpContext.RequestServices?.GetService<IOptions<CallerAuthenticationOptions>>()?.Value;
        if (options is { TrustAppServicePrincipal: true }
            && AppServicePrincipal.From(name => request.Headers.TryGetValue(name, out var value) && value.Count == 1 ? value[0] : null) is { } principal)
            return principal;

        return request.HttpContext.Items.TryGetValue(typeof(CallerIdentity), out var known) && known is CallerIdentity caller
            ? caller
            : CallerIdentity.Anonymous;
    }
}
