using System.Diagnostics;

namespace AccessTokenGateway.Grants;

/// <summary>
/// What a message on the reverts queue carries: a reference to a grant, never a state to apply. <see cref="Nonce"/>
/// makes each message unique (a message used once is refused when seen again); <see cref="Attempt"/> counts the
/// hops and retries it took, for the back-off. The registry, not the message, says what the revert does.
/// </summary>
public sealed record RevertMessage(string GrantId, string TokenId, DateTimeOffset ExpiresAt, string Nonce, int Attempt)
{
    /// <summary>The W3C <c>traceparent</c> of the change that made the grant (sealed with the rest): its revert joins that trace.</summary>
    public string? TraceParent { get; init; }

    public static RevertMessage For(Grant grant, int attempt = 0) =>
        new(grant.GrantId, grant.TokenId, grant.ExpiresAt, Guid.NewGuid().ToString("N"), attempt)
            { TraceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null };

    /// <summary>The next message for the same grant: a new nonce, one more attempt.</summary>
    public RevertMessage Next() => this with { Nonce = Guid.NewGuid().ToString("N"), Attempt = Attempt + 1 };
}
