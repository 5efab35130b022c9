using AccessTokenGateway.Changes;
using AccessTokenGateway.Outcomes;

namespace AccessTokenGateway.Authentication;

/// <summary>
/// HTTP admission's proof of the sender: checks what a request carries (a webhook signature over the request) before
/// anything else is looked at. Returns the caller as established, or the outcome that refuses the request.
/// </summary>
public interface IRequestAuthenticator
{
    ValueTask<Step<CallerIdentity>> AuthenticateAsync(string? signatureHeader, SignedRequest request, CallerIdentity caller, CancellationToken cancellationToken);
}
