using AccessTokenGateway.Changes;
using Microsoft.AspNetCore.Http;

namespace AccessTokenGateway.Functions.Http;

/// <summary>Who is calling, as far as the request shows it; never the credential itself.</summary>
public static class CallerIdentities
{
    public static CallerIdentity From(HttpRequest request) =>
        request.HttpContext.Items.TryGetValue(typeof(CallerIdentity), out var known) && known is CallerIdentity caller
            ? caller
            : CallerIdentity.Anonymous;
}
