using AccessTokenGateway.Changes;
using AccessTokenGateway.JsonApi;

namespace AccessTokenGateway.Authentication;

/// <summary>
/// Checks what a request carries to prove its sender (a webhook signature over the raw body), before anything
/// else is looked at. Returns the established caller, or the error that refuses the request.
/// </summary>
public interface IRequestAuthenticator
{
    ValueTask<(CallerIdentity? Caller, ApiError? Error)> AuthenticateAsync(ChangeSubmission submission, CancellationToken cancellationToken);
}

/// <summary>Used when signed requests are not switched on: the trigger's own check (the function key) is all there is.</summary>
public sealed class TriggerAuthenticationOnly : IRequestAuthenticator
{
    public ValueTask<(CallerIdentity? Caller, ApiError? Error)> AuthenticateAsync(ChangeSubmission submission, CancellationToken cancellationToken) =>
        ValueTask.FromResult<(CallerIdentity?, ApiError?)>((null, null));
}
