using AccessTokenGateway.Changes;
using AccessTokenGateway.Outcomes;

namespace AccessTokenGateway.Authentication;

/// <summary>Used when signed requests are not switched on: the trigger's own check (the function key) is all there is.</summary>
public sealed class TriggerAuthenticationOnly : IRequestAuthenticator
{
    public ValueTask<Step<CallerIdentity>> AuthenticateAsync(string? signatureHeader, SignedRequest request, CallerIdentity caller, CancellationToken cancellationToken) =>
        ValueTask.FromResult<Step<CallerIdentity>>(caller);
}
