namespace AccessTokenGateway.Changes;

/// <summary>Who called, as far as the gateway could establish it (<see cref="CallerKinds"/>). Never a credential.</summary>
public sealed record CallerIdentity(string Kind, string? Id)
{
    public static readonly CallerIdentity Anonymous = new(CallerKinds.Anonymous, null);
}
