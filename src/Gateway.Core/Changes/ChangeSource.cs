namespace AccessTokenGateway.Changes;

public enum ChangeSource
{
    Http,
    Queue,
}

/// <summary>Who called, as far as the gateway could establish it. Never a credential.</summary>
public sealed record CallerIdentity(string Kind, string? Id)
{
    public static readonly CallerIdentity Anonymous = new("anonymous", null);
    public static readonly CallerIdentity Queue = new("queue", null);
}
